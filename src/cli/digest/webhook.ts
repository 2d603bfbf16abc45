// A digest's delivery to a webhook: a JSON POST signed with HMAC-SHA256 over `<timestamp>.<body>`, retried with
// backoff while the receiver answers 5xx or 429, times out or cannot be reached. Redirects are not followed: the
// signed body goes to the address given or nowhere.
import { createHmac } from 'node:crypto';
import { ServerError } from '../../client/index.js';
import { DeliveryFailure, type RetryPolicy, withRetries } from './delivery-retries.js';

export const SIGNATURE_HEADER = 'X-Lapse-Signature';
export const TIMESTAMP_HEADER = 'X-Lapse-Timestamp';
/** The body's `digestId`, so a receiver can drop a copy without parsing the body first. */
export const DIGEST_ID_HEADER = 'X-Lapse-Digest-Id';

/** `sha256=<hex>` of HMAC-SHA256(secret, `${timestamp}.${body}`): what a receiver recomputes and compares. */
export function signatureOf(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface WebhookDelivery extends RetryPolicy {
  url: string;
  secret: string;
  body: string;
  /** Sent as X-Lapse-Digest-Id: the same digest sent again has the same id. */
  digestId: string;
  /** The clock (epoch ms): each attempt is signed with its own timestamp. */
  now: () => number;
  /** How long one attempt may take (default 10 s). */
  timeoutMs?: number;
}

const isRetryable = (status: number) => status >= 500 || status === 429;
const serverError = (message: string) => new ServerError(message);

async function postOnce(delivery: WebhookDelivery): Promise<number> {
  let response: Response;
  try {
    const timestamp = String(Math.floor(delivery.now() / 1000));
    response = await fetch(delivery.url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        'content-type': 'application/json',
        [TIMESTAMP_HEADER]: timestamp,
        [SIGNATURE_HEADER]: signatureOf(delivery.secret, timestamp, delivery.body),
        [DIGEST_ID_HEADER]: delivery.digestId,
      },
      body: delivery.body,
      signal: AbortSignal.timeout(delivery.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? 'timed out' : 'could not be reached';
    throw new DeliveryFailure(`webhook ${delivery.url} ${reason}`, true, serverError);
  }
  await response.body?.cancel();
  if (response.status >= 200 && response.status < 300) return response.status;
  throw new DeliveryFailure(
    `webhook ${delivery.url} answered ${response.status}`,
    isRetryable(response.status),
    serverError,
  );
}

/** POSTs until a 2xx; any other answer, or the last retry's failure, is a ServerError (exit 5). */
export function deliverWebhook(delivery: WebhookDelivery): Promise<number> {
  return withRetries(() => postOnce(delivery), delivery);
}
