// How a digest's delivery is retried, whatever carries it: the same attempt again after a wait that doubles, while
// the failure is one that may pass (a timeout, an unreachable receiver, a "try later" answer).
import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Attempts after the first (default 3). */
  retries?: number;
  /** The first wait between attempts, doubled each time (default 500 ms). */
  backoffMs?: number;
  onRetry?: (message: string) => void;
}

/** One attempt's failure: what to say, whether another attempt may succeed, and the error to end with. */
export class DeliveryFailure extends Error {
  override name = 'DeliveryFailure';
  constructor(
    message: string,
    readonly isRetryable: boolean,
    /** Turns the last failure's line (attempts counted) into the error the command exits with. */
    readonly finalError: (message: string) => Error,
  ) {
    super(message);
  }
}

/** Runs `attempt` until it returns; a DeliveryFailure that may pass is retried, the last one ends the run. */
export async function withRetries<T>(attempt: () => Promise<T>, policy: RetryPolicy): Promise<T> {
  const retries = policy.retries ?? 3;
  const backoffMs = policy.backoffMs ?? 500;
  for (let index = 0; ; index++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof DeliveryFailure)) throw error;
      if (!error.isRetryable || index >= retries) {
        const tries = index + 1;
        throw error.finalError(
          `${error.message}${tries > 1 ? ` (${tries} attempts)` : ''}; the digest is sent again next run`,
        );
      }
      const waitMs = backoffMs * 2 ** index;
      policy.onRetry?.(`${error.message}; retry ${index + 1} of ${retries} in ${(waitMs / 1000).toFixed(1)} s`);
      await sleep(waitMs);
    }
  }
}
