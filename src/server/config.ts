// The server's configuration, parsed once at the edge (flags, env) and passed down.
import type { Logger } from 'pino';
import type { ExternalSigningKey } from './auth/signing-key-source.js';
import { DEFAULT_MAX_LONG_READS, DEFAULT_SEARCH_LIMITS, type SearchLimits } from './db/index.js';

export interface ServerConfig {
  /** SQLite file path (or `:memory:`) or a postgres:// URL. */
  database: string;
  host: string;
  port: number;
  /** Token issuer (`iss`); defaults to the server's own URL. */
  issuer: string;
  /** Requests per minute per client id (contract §7 default 600). */
  rateLimitPerMinute: number;
  /** Failed token requests per minute, per client id and per address. */
  failedTokenLimitPerMinute: number;
  /** PostgreSQL connections per instance, for everything but exports. */
  databasePoolSize: number;
  /** Exports streaming at once per client id; more are refused with 429 (SECURITY.md, export limits). */
  exportsPerClient: number;
  /** Exports streaming at once on this instance, all clients together; each has a database connection of its own
   * (on PostgreSQL a pool apart from databasePoolSize's). */
  exportsTotal: number;
  /** An export whose client has taken no bytes for this long is cut (the connection destroyed). */
  exportStallTimeoutMs: number;
  /** A search query running longer is answered 503; one waiting longer for its turn, 429 (SECURITY.md, "Search queries"). */
  searchTimeoutMs: number;
  /** Search queries running at once: SQLite worker threads, PostgreSQL search connections (a pool of their own).
   * Unset: 4 on SQLite, databasePoolSize on PostgreSQL. */
  searchConcurrency?: number | undefined;
  /** Search queries of one client id waiting for a turn; one more is refused with 429. */
  searchQueuePerClient: number;
  /** Origins allowed for CORS; empty = no CORS headers at all. */
  corsOrigins: string[];
  /** Search pages kept for reuse while the data is unchanged (SQLite only; 0 turns this cache off; totals are
   * still counted once per search and data version). */
  searchCacheEntries: number;
  /** How long SIGTERM waits for in-flight requests. */
  shutdownGraceMs: number;
  /** The clock: what "now" is (tests pin it). */
  now: () => number;
  /** Log sink; defaults to pino on stdout at `info`. false = silent. */
  logger: Logger | boolean;
  /** The token signing key, when it is not kept in the database (SECURITY.md, "Signing keys"). */
  signingKey?: ExternalSigningKey | undefined;
  /** contract §5: rows per Excel sheet before the next sheet starts (lowered only by tests). */
  excelRowsPerSheet?: number;
}

export const DEFAULT_CONFIG: Omit<ServerConfig, 'database'> = {
  host: '127.0.0.1',
  port: 8080,
  issuer: '',
  rateLimitPerMinute: 600,
  failedTokenLimitPerMinute: 10,
  databasePoolSize: 10,
  exportsPerClient: 2,
  exportsTotal: DEFAULT_MAX_LONG_READS,
  exportStallTimeoutMs: 30_000,
  searchTimeoutMs: DEFAULT_SEARCH_LIMITS.timeoutMs,
  searchQueuePerClient: DEFAULT_SEARCH_LIMITS.queuedPerClient,
  corsOrigins: [],
  searchCacheEntries: 2000,
  shutdownGraceMs: 10_000,
  now: Date.now,
  logger: true,
};

export function serverConfig(overrides: Partial<ServerConfig> & { database: string }): ServerConfig {
  const config = { ...DEFAULT_CONFIG, ...overrides };
  return { ...config, issuer: config.issuer || `http://${config.host}:${config.port}` };
}

/** The search bounds the configuration sets, for openStorage. */
export function searchLimitsOf(config: ServerConfig): Partial<SearchLimits> {
  return {
    timeoutMs: config.searchTimeoutMs,
    ...(config.searchConcurrency === undefined ? {} : { concurrency: config.searchConcurrency }),
    queuedPerClient: config.searchQueuePerClient,
  };
}
