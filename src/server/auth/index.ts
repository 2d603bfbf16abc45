// Authentication: the token endpoint, signing keys and their JWKS, credential secrets, and the request guard that
// turns a bearer token into a caller.
export * from './authenticate.js';
export * from './caller.js';
export * from './ip-allow-list.js';
export * from './secrets.js';
export * from './signing-key-rows.js';
export * from './signing-key-source.js';
export * from './signing-keys.js';
export * from './token-route.js';
