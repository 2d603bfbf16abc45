// What the server keeps between requests, each within a byte budget (budgets.ts): values valid for one data
// version (pages, counts, credentials), the data version itself, and tokens whose signature has been checked.
export {
  type BoundedMap,
  type ByteLimits,
  createBoundedMap,
  ENTRY_OVERHEAD_BYTES,
  jsonBytes,
  stringBytes,
} from './bounded-map.js';
export { CACHE_BUDGETS } from './budgets.js';
export { type CredentialLookup, createCredentialLookup } from './credential-lookup.js';
export { dataVersionOf } from './data-version.js';
export { createVerifiedTokens, type VerifiedTokens } from './verified-tokens.js';
export { type CacheLimits, createVersionedCache, type VersionedCache } from './versioned-cache.js';
