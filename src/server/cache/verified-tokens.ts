import type { JWTPayload } from 'jose';
import { createBoundedMap, jsonBytes } from './bounded-map.js';
import { CACHE_BUDGETS } from './budgets.js';

/** Verified tokens remembered, so a client's every request does not pay for a signature check. */
const MAX_VERIFIED_TOKENS = 1_000;

export interface VerifiedTokens {
  /** The payload of a token verified before and still within its time (exp, nbf) at `nowSeconds`. */
  get(token: string, nowSeconds: number): JWTPayload | undefined;
  remember(token: string, payload: JWTPayload): void;
}

export function createVerifiedTokens(): VerifiedTokens {
  const verified = createBoundedMap<JWTPayload>({
    ...CACHE_BUDGETS.verifiedTokens,
    maxEntries: MAX_VERIFIED_TOKENS,
    valueBytes: jsonBytes,
  });
  return {
    get(token, nowSeconds) {
      const known = verified.get(token);
      if (!known) return undefined;
      // A token verified before is checked again only for time: its signature, issuer and claims cannot change.
      if (
        typeof known.exp === 'number' &&
        known.exp > nowSeconds &&
        !(typeof known.nbf === 'number' && known.nbf > nowSeconds)
      ) {
        return known;
      }
      verified.delete(token);
      return undefined;
    },
    remember(token, payload) {
      verified.set(token, payload);
    },
  };
}
