// How much a search may cost (SECURITY.md, "Search queries"): each query's time, how many run at once, how many
// wait. A valid filter can still be expensive (100 `Contains` items over every row); these bounds keep one
// caller's expensive searches from taking the server from everyone else.
import { SERVICE_STATUS } from '../../../contract/index.js';
import { ApiError } from '../../errors.js';

export interface SearchLimits {
  /**
   * A search query still running after this long is answered 503 (on SQLite its worker thread is replaced; on
   * PostgreSQL `statement_timeout` cancels it); one that has waited twice this long for its turn (queueWaitMs) is
   * answered 429.
   */
  timeoutMs: number;
  /** Search queries running at once on an instance: SQLite worker threads, PostgreSQL search connections. */
  concurrency: number;
  /** Queries of one client id waiting for a turn; one more is refused with 429. */
  queuedPerClient: number;
  /** Queries waiting for a turn, all clients together. */
  queuedTotal: number;
}

/**
 * How long a query may wait for its turn: twice the time limit. A request's queries (a page and its count) share
 * their client's turns, so one may wait behind its own sibling; that sibling is cut at the time limit, and its
 * 503 must reach the caller before the waiting query gives up with a 429 that would hide why the search failed.
 */
export function queueWaitMs(limits: Pick<SearchLimits, 'timeoutMs'>): number {
  return 2 * limits.timeoutMs;
}

export const DEFAULT_SEARCH_LIMITS: SearchLimits = {
  timeoutMs: 5000,
  concurrency: 4,
  // One client's line holds the page and totals of 64 requests in flight: a pool of HTTP connections (50 is
  // common) all waiting on one server process is served in turn, not refused; waits stay bounded by queueWaitMs.
  queuedPerClient: 128,
  queuedTotal: 1024,
};

/** Queries one client id may run at once: all but one turn, so another client always finds one free. */
export function runningPerClient(limits: SearchLimits): number {
  return Math.max(1, limits.concurrency - 1);
}

/** A query that ran past the time limit: the same answer on both databases. */
export function searchTimedOut(limitMs: number): ApiError {
  return ApiError.unavailable(
    `The search took longer than its ${limitMs} ms limit; narrow the filter, or retry later.`,
    Math.max(1, Math.ceil(limitMs / 1000)),
  );
}

/** Too many queries waiting (the client's own or all together), or one waited past the time limit. */
export function searchesBusy(): ApiError {
  return new ApiError(429, SERVICE_STATUS.RATE_LIMITED, 'Too many searches at once; retry shortly.', null, {
    'retry-after': '1',
  });
}
