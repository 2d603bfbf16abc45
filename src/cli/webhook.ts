// A digest's delivery to a webhook: a JSON POST signed with HMAC-SHA256 over `<timestamp>.<body>`, retried with
// backoff while the receiver answers 5xx or 429, times out or cannot be reached. Redirects are not followed: the
// signed body goes to the address given or nowhere.
import { createHmac } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ServerError } from '../client/index.js';

export const SIGNATURE_HEADER = 'X-Lapse-Signature';
export const TIMESTAMP_HEADER = 'X-Lapse-Timestamp';

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`): what a receiver recomputes and compares. */
export function signatureOf(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface WebhookDelivery {
  url: string;
  secret: string;
  body: string;
  /** The clock (epoch ms): each attempt is signed with its own timestamp. */
  now: () => number;
  /** Attempts after the first (default 3). */
  retries?: number;
  /** The first wait between attempts, doubled each time (default 500 ms). */
  backoffMs?: number;
  /** How long one attempt may take (default 10 s). */
  timeoutMs?: number;
  onRetry?: (message: string) => void;
}

const isRetryable = (status: number) => status >= 500 || status === 429;

/** POSTs until a 2xx; any other answer, or the last retry's failure, is a ServerError (exit 5). */
export async function deliverWebhook(delivery: WebhookDelivery): Promise<number> {
  const retries = delivery.retries ?? 3;
  const backoffMs = delivery.backoffMs ?? 500;
  for (let attempt = 0; ; attempt++) {
    let failure: string;
    let isFinal = attempt >= retries;
    try {
      const timestamp = String(Math.floor(delivery.now() / 1000));
      const response = await fetch(delivery.url, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          'content-type': 'application/json',
          [TIMESTAMP_HEADER]: timestamp,
          [SIGNATURE_HEADER]: signatureOf(delivery.secret, timestamp, delivery.body),
        },
        body: delivery.body,
        signal: AbortSignal.timeout(delivery.timeoutMs ?? 10_000),
      });
      await response.body?.cancel();
      if (response.status >= 200 && response.status < 300) return response.status;
      failure = `webhook ${delivery.url} answered ${response.status}`;
      if (!isRetryable(response.status)) isFinal = true;
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? 'timed out' : 'could not be reached';
      failure = `webhook ${delivery.url} ${reason}`;
    }
    if (isFinal) {
      const tries = attempt + 1;
      throw new ServerError(`${failure}${tries > 1 ? ` (${tries} attempts)` : ''}; the digest is sent again next run`);
    }
    const waitMs = backoffMs * 2 ** attempt;
    delivery.onRetry?.(`${failure}; retry ${attempt + 1} of ${retries} in ${(waitMs / 1000).toFixed(1)} s`);
    await sleep(waitMs);
  }
}
