// contract §7 rate limits: the token bucket and the store interface. Each database adapter picks its store
// (server/db/dialect.ts: createRateLimitStore).
export { addressBucketOf } from './client-address.js';
export {
  type Bucket,
  createMemoryRateLimitStore,
  decide,
  type RateDecision,
  type RateLimitStore,
  refill,
  refund,
} from './token-bucket.js';
