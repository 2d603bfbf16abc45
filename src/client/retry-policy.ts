// The client's retry policy, in one place (contract §2, §7, §8): which failures are retried, how long to wait
// (Retry-After when the server sends it, else exponential backoff with full jitter), and the bounds.

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  /** HTTP statuses worth another attempt: 429 (rate limited) and 503 (database unreachable). */
  statuses: readonly number[];
  /** Retry when no response arrived (refused, reset, body cut short). */
  retryNetworkErrors: boolean;
  baseDelayMs: number;
  /** Cap on one computed backoff delay. */
  maxDelayMs: number;
  /** Give up when the next wait would end past this much time since the first attempt. */
  maxTotalMs: number;
  /** One attempt of a JSON call (response and body) may take this long before it counts as a network error. */
  attemptTimeoutMs: number;
  /** Told of each retry before its wait, so a person watching a command sees why nothing is happening. */
  onRetry?: ((retry: RetryNotice) => void) | undefined;
}

export interface RetryNotice {
  /** 1 for the first retry. */
  retry: number;
  retries: number;
  waitMs: number;
  /** The failure being retried. */
  error: Error;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 5,
  statuses: [429, 503],
  retryNetworkErrors: true,
  baseDelayMs: 200,
  maxDelayMs: 8_000,
  maxTotalMs: 60_000,
  attemptTimeoutMs: 30_000,
};

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return { ...DEFAULT_RETRY_POLICY, ...overrides };
}

/**
 * Retry-After as milliseconds: delta-seconds or an HTTP date. An HTTP date is read against the response's
 * own `Date` header when present, so a client clock that is off (or pinned) does not distort the wait.
 */
export function parseRetryAfter(value: string | null, responseDate: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  const reference = responseDate === null ? Number.NaN : Date.parse(responseDate);
  return Math.max(0, at - (Number.isNaN(reference) ? now : reference));
}

/** Exponential backoff with full jitter: a random wait in [0, min(max, base·2^attempt)]. */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

/** What one attempt came to: a value, or a failure with (maybe) a server-requested wait. */
export type AttemptOutcome<T> =
  | { kind: 'done'; value: T }
  | { kind: 'retryable'; error: Error; retryAfterMs?: number | undefined };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it is done or the policy gives up; then throws the last retryable error.
 * Time budget is measured on the monotonic clock: the injected `now` may be pinned and is about days.
 */
export async function withRetry<T>(
  policy: RetryPolicy,
  attempt: (n: number) => Promise<AttemptOutcome<T>>,
): Promise<T> {
  const started = performance.now();
  for (let n = 0; ; n++) {
    const outcome = await attempt(n);
    if (outcome.kind === 'done') return outcome.value;
    if (n >= policy.retries) throw outcome.error;
    const wait = outcome.retryAfterMs ?? backoffDelay(policy, n);
    if (performance.now() - started + wait > policy.maxTotalMs) throw outcome.error;
    policy.onRetry?.({ retry: n + 1, retries: policy.retries, waitMs: wait, error: outcome.error });
    await sleep(wait);
  }
}
