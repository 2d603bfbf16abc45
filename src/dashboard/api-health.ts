// Whether the API answers now. Listings are kept for minutes; the page asks this to mark the ones it shows as
// stale once the API stops answering, rather than showing them as if they were current.

import type { LapseClient } from '../client/index.js';
import { NetworkError, ServerError } from '../client/index.js';
import type { ApiHealth } from '../contract/index.js';

/** Checks closer together than this share one answer: several tabs or requests cost one API call. */
const MIN_CHECK_INTERVAL_MS = 5_000;

export interface ApiHealthCheck {
  check(): Promise<ApiHealth>;
}

export interface ApiHealthOptions {
  client: LapseClient;
  /** Wall clock (epoch ms), for the times reported. */
  now: () => number;
  /** Monotonic milliseconds, for the interval between checks (the wall clock may be pinned). */
  clock?: () => number;
}

export function createApiHealthCheck(options: ApiHealthOptions): ApiHealthCheck {
  const clock = options.clock ?? (() => performance.now());
  let last: { at: number; health: ApiHealth } | undefined;
  let running: Promise<ApiHealth> | undefined;
  async function probe(): Promise<ApiHealth> {
    const checkedAt = new Date(options.now()).toISOString();
    try {
      await options.client.companies.search({ pageNumber: 1, pageSize: 1 });
      return { checkedAt, isReachable: true, failingSince: null, detail: null };
    } catch (error) {
      // Only a missing or failing server makes the kept listings stale; a refusal is still an answer.
      if (!(error instanceof NetworkError || error instanceof ServerError)) {
        return { checkedAt, isReachable: true, failingSince: null, detail: null };
      }
      const failingSince = last?.health.failingSince ?? checkedAt;
      return { checkedAt, isReachable: false, failingSince, detail: error.message };
    }
  }
  return {
    check() {
      if (last && clock() - last.at < MIN_CHECK_INTERVAL_MS) return Promise.resolve(last.health);
      running ??= probe()
        .then((health) => {
          last = { at: clock(), health };
          return health;
        })
        .finally(() => {
          running = undefined;
        });
      return running;
    },
  };
}
