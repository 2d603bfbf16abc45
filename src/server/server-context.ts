// What every route needs, built once in buildApp and passed down (no globals, no process.env).
import type { KeyRing } from './auth/index.js';
import type { CredentialLookup } from './cache/index.js';
import type { WorkerCounts } from './cluster/index.js';
import type { ServerConfig } from './config.js';
import type { Storage } from './db/index.js';
import type { RateLimitStore } from './rate-limit/index.js';

export interface ServerContext {
  config: ServerConfig;
  storage: Storage;
  keyRing: KeyRing;
  credentials: CredentialLookup;
  rateLimits: RateLimitStore;
  /** The server's worker processes as last counted (one process: one of one). */
  workers: () => WorkerCounts;
}
