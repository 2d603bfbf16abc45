// contract §7 rate limits: the token bucket and the store interface. Each database adapter picks its store
// (server/db/dialect.ts: createRateLimitStore).
export {
  type Bucket,
  createMemoryRateLimitStore,
  decide,
  type RateDecision,
  type RateLimitStore,
  refill,
} from './token-bucket.js';
