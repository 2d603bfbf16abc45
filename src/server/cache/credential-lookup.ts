import { type CredentialRecord, findCredential } from '../auth/index.js';
import type { Db } from '../db/index.js';
import { jsonBytes } from './bounded-map.js';
import { CACHE_BUDGETS } from './budgets.js';
import { createVersionedCache } from './versioned-cache.js';

export interface CredentialLookup {
  /** The credential as of `version` (see Storage.dataVersion); null version: always read the database. */
  find(clientId: string, version: string | null): Promise<CredentialRecord | undefined>;
}

/**
 * Every API call needs its caller's credential; while the data version stands still it cannot have changed
 * (disabling one is a committed write), so it is read once per version.
 */
export function createCredentialLookup(db: Db): CredentialLookup {
  const cache = createVersionedCache<CredentialRecord | null>({
    ...CACHE_BUDGETS.credentials,
    valueBytes: jsonBytes,
  });
  return {
    async find(clientId, version) {
      if (version === null) return findCredential(db, clientId);
      const found = await cache.getOrCompute(
        clientId,
        version,
        async () => (await findCredential(db, clientId)) ?? null,
      );
      return found ?? undefined;
    },
  };
}
