// contract §7 rate limits: the token bucket and the store interface. Each database adapter picks its store
// (server/db/dialect.ts: createRateLimitStore); on SQLite the server's workers share the primary's buckets.
export { addressBucketOf } from './client-address.js';
export {
  answerBucketRequests,
  createRemoteRateLimitStore,
  createServerRateLimitStore,
  type MessageChannel,
} from './primary-buckets.js';
export {
  type Bucket,
  createMemoryRateLimitStore,
  decide,
  type RateDecision,
  type RateLimitStore,
  refill,
  refund,
} from './token-bucket.js';
