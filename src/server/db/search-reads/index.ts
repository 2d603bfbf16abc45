// Where search queries run and what bounds them: a gate of turns per client, a time limit, and a Kysely that
// hands each compiled query to the dialect's search runner (SQLite worker threads, a PostgreSQL pool).
export * from './gated-reads.js';
export * from './read-dialect.js';
export * from './search-gate.js';
export * from './search-limits.js';
