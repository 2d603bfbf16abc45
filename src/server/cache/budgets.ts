// Every memory the server keeps between requests, and its byte budget (keys and values, estimated as in
// bounded-map.ts). SECURITY.md lists them with what each one defends.
const KiB = 1024;
const MiB = 1024 * KiB;

export const CACHE_BUDGETS = {
  /** Serialised search pages, keyed by scope, day and the whole search body. */
  searchPages: { maxBytes: 64 * MiB, maxKeyBytes: 16 * KiB },
  /** Totals of a search, keyed by its parsed query. */
  searchCounts: { maxBytes: 8 * MiB, maxKeyBytes: 16 * KiB },
  /** Credentials by client id; ids come from verified tokens, so a long one is never a real client. */
  credentials: { maxBytes: 4 * MiB, maxKeyBytes: 1 * KiB },
  /** Verified tokens; lapse issues tokens of a few hundred characters. */
  verifiedTokens: { maxBytes: 4 * MiB, maxKeyBytes: 16 * KiB },
  /** Rate-limit buckets of one process; longer keys are stored by their digest, never dropped. */
  rateBuckets: { maxBytes: 32 * MiB, maxKeyBytes: 512 },
} as const;
