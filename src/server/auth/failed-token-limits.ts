// contract §7: failed token requests are limited per address and per client id, so secrets can't be guessed at
// speed, yet a stranger who knows a client id cannot lock its tenant out (docs/decisions.md, "Token rate limits").
// Every attempt reserves its failure before the secret is hashed, atomically in the store, so a burst is cut at
// the limit however many arrive at once; a success gives its reservations back.
import { addressBucketOf, type RateLimitStore } from '../rate-limit/index.js';
import { rateLimited } from './token-request.js';

export interface FailureReservation {
  /** Had the caller's address (IPv6: its /64) no recent failures? */
  isAddressClean: boolean;
  /** Gives back what the attempt reserved: it did not fail. */
  release(): Promise<void>;
}

export interface FailureLimits {
  rateLimits: RateLimitStore;
  perMinute: number;
  nowMs: number;
}

/**
 * Reserves one failure against the caller's address and, unless the address is clean, against the client id;
 * throws a 429 OAuthFailure (reserving nothing) when either bucket is empty. The client-id bucket binds only
 * addresses that have failed recently: it slows guesses spread over many addresses to one per address per
 * refill, while the client itself, calling from an address that has not failed, always gets its secret checked.
 */
export async function reserveFailure(limits: FailureLimits, clientId: string, ip: string): Promise<FailureReservation> {
  const { rateLimits, perMinute, nowMs } = limits;
  const taken: string[] = [];
  const release = async () => {
    for (const key of taken) await rateLimits.give(key, perMinute, nowMs);
  };
  const addressKey = `token-failure:address:${addressBucketOf(ip)}`;
  const address = await rateLimits.take(addressKey, perMinute, nowMs);
  if (!address.isAllowed) throw rateLimited(address.retryAfterSeconds);
  taken.push(addressKey);
  const clientKey = `token-failure:client:${clientId}`;
  const client = await rateLimits.take(clientKey, perMinute, nowMs);
  if (client.isAllowed) taken.push(clientKey);
  else if (!address.wasFull) {
    await release();
    throw rateLimited(client.retryAfterSeconds);
  }
  return { isAddressClean: address.wasFull, release };
}
