// contract §7: token buckets per key (client id, or address for failed token requests). The store is an
// interface so several server instances can share buckets in PostgreSQL; one process keeps them in memory.
import { createHash } from 'node:crypto';
import { CACHE_BUDGETS, createBoundedMap, stringBytes } from '../cache/index.js';

export interface RateDecision {
  isAllowed: boolean;
  /** Whole seconds until one more request would be allowed (≥ 1 when refused). */
  retryAfterSeconds: number;
  /** Was the bucket at capacity before this decision (no debit left to refill)? */
  wasFull: boolean;
}

export interface RateLimitStore {
  /**
   * Takes one token from `key`'s bucket of `perMinute` capacity, refilled continuously. Atomic: concurrent takes
   * never spend the same token, so a take can reserve before slow work.
   */
  take(key: string, perMinute: number, nowMs: number): Promise<RateDecision>;
  /** Gives back one token taken earlier (never beyond capacity): a reservation the outcome should not cost. */
  give(key: string, perMinute: number, nowMs: number): Promise<void>;
  /** Looks without taking: would `take` be allowed? */
  peek(key: string, perMinute: number, nowMs: number): Promise<RateDecision>;
}

export interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** The refill arithmetic, shared by every store. */
export function refill(bucket: Bucket | undefined, perMinute: number, nowMs: number): Bucket {
  if (!bucket) return { tokens: perMinute, updatedAt: nowMs };
  const elapsed = Math.max(0, nowMs - bucket.updatedAt);
  return { tokens: Math.min(perMinute, bucket.tokens + (elapsed * perMinute) / 60_000), updatedAt: nowMs };
}

export function decide(bucket: Bucket, perMinute: number): RateDecision {
  const wasFull = bucket.tokens >= perMinute;
  if (bucket.tokens >= 1) return { isAllowed: true, retryAfterSeconds: 0, wasFull };
  const secondsPerToken = 60 / perMinute;
  const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) * secondsPerToken));
  return { isAllowed: false, retryAfterSeconds, wasFull };
}

/** The bucket after one token is given back. */
export function refund(bucket: Bucket, perMinute: number, nowMs: number): Bucket {
  const refilled = refill(bucket, perMinute, nowMs);
  return { tokens: Math.min(perMinute, refilled.tokens + 1), updatedAt: nowMs };
}

/** A bucket's two numbers and its object, estimated as bounded-map.ts estimates values. */
const BUCKET_BYTES = 48;

const DIGEST_KEY_BYTES = stringBytes(`sha256:${'x'.repeat(43)}`);

/**
 * Keys hold client ids and addresses a caller chooses; one longer than `maxKeyBytes` is kept by its digest
 * (100 bytes as estimated), so a long key is limited like any other and never dropped.
 */
function bucketKey(key: string, maxKeyBytes: number): string {
  if (stringBytes(key) <= maxKeyBytes) return key;
  return `sha256:${createHash('sha256').update(key).digest('base64url')}`;
}

export function createMemoryRateLimitStore(
  budget: { maxBytes: number; maxKeyBytes: number } = CACHE_BUDGETS.rateBuckets,
): RateLimitStore {
  // Least recently used first: when an attacker sprays keys (addresses, client ids), the oldest buckets go and
  // memory stays within the budget.
  const buckets = createBoundedMap<Bucket>({
    ...budget,
    maxKeyBytes: Math.max(budget.maxKeyBytes, DIGEST_KEY_BYTES),
    valueBytes: () => BUCKET_BYTES,
  });
  return {
    async take(key, perMinute, nowMs) {
      const stored = bucketKey(key, budget.maxKeyBytes);
      const bucket = refill(buckets.get(stored), perMinute, nowMs);
      const decision = decide(bucket, perMinute);
      if (decision.isAllowed) bucket.tokens -= 1;
      buckets.set(stored, bucket);
      return decision;
    },
    async give(key, perMinute, nowMs) {
      const bucket = buckets.get(bucketKey(key, budget.maxKeyBytes));
      if (bucket) Object.assign(bucket, refund(bucket, perMinute, nowMs));
    },
    async peek(key, perMinute, nowMs) {
      return decide(refill(buckets.get(bucketKey(key, budget.maxKeyBytes)), perMinute, nowMs), perMinute);
    },
  };
}
