// What the server keeps between requests: values valid for one data version (pages, counts, credentials), the
// data version itself, and tokens whose signature has been checked.
export { type CredentialLookup, createCredentialLookup } from './credential-lookup.js';
export { dataVersionOf } from './data-version.js';
export { createVerifiedTokens, type VerifiedTokens } from './verified-tokens.js';
export { type CacheLimits, createVersionedCache, type VersionedCache } from './versioned-cache.js';
