// A PostgreSQL database through a pg pool: every connection can read and write, the pool gives each its own.
import { createRequire } from 'node:module';
import { type CompiledQuery, Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { DEFAULT_MAX_LONG_READS, type DialectConnection, type PoolOptions, type Reader } from '../dialect.js';
import type { LapseDatabase } from '../schema.js';
import {
  createSearchGate,
  DEFAULT_SEARCH_LIMITS,
  gatedSearchConnection,
  POSTGRES_LANGUAGE,
  readAfterClose,
  type StartRead,
  searchTimedOut,
} from '../search-reads/index.js';
import { postgresBulkLoad } from './postgres-bulk-load.js';
import { copyOut } from './postgres-copy-out.js';
import { FailFastCursor, kyselyOn } from './postgres-held-connection.js';

/**
 * pg-cursor reads `batchSize` rows per round trip, and Kysely's executor hands them over as one result. pg keeps
 * an object's keys in the result's column order, so its values are the row in select order.
 */
async function* postgresBatches(trx: Kysely<LapseDatabase>, query: CompiledQuery, batchSize: number) {
  for await (const result of trx.getExecutor().stream(query, batchSize))
    yield (result.rows as object[]).map((row) => Object.values(row));
}

/** Bound parameters per statement: the protocol counts them in 16 bits. */
const MAX_PARAMETERS = 65_535;

/** Multi-row inserts, as many rows to a statement as the parameter limit lets through. */
const writeRows: DialectConnection['writeRows'] = async (db, table, rows) => {
  const first = rows[0];
  if (first === undefined) return;
  const rowsPerInsert = Math.max(1, Math.floor(MAX_PARAMETERS / Object.keys(first).length));
  for (let start = 0; start < rows.length; start += rowsPerInsert) {
    await db
      .insertInto(table)
      .values(rows.slice(start, start + rowsPerInsert) as never)
      .execute();
  }
};

/**
 * A long read on a connection of its own from `pool`, held until released: its snapshot's transaction, cursor
 * reads and COPY all run on that one connection. One that failed on the way is closed rather than pooled again.
 */
async function openHeldReader(pool: pg.Pool): Promise<Reader> {
  const client = await pool.connect();
  let isBroken = false;
  const markBroken = () => {
    isBroken = true;
  };
  client.on('error', markBroken);
  client.on('end', markBroken);
  return {
    db: kyselyOn(client),
    streamBatches: postgresBatches,
    copyOut: (query) => copyOut(client, query),
    async release() {
      client.off('error', markBroken);
      client.off('end', markBroken);
      client.release(isBroken);
    },
  };
}

/**
 * The driver, loaded when a PostgreSQL connection is first made: loading it costs a process start-up a noticeable
 * share of its time (bench: startup), and a SQLite server, or most commands, never need it.
 */
let driver: typeof pg | undefined;
function pgDriver(): typeof pg {
  driver ??= createRequire(import.meta.url)('pg') as typeof pg;
  return driver;
}

let postgresTypesSet = false;
function setPostgresTypeParsers(): void {
  if (postgresTypesSet) return;
  const pg = pgDriver();
  // BIGINT (epoch ms) and COUNT(*) come back as strings by default; every value we store fits a double.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
  pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));
  postgresTypesSet = true;
}

function openPool(url: string, maxConnections: number, statementTimeoutMs?: number): pg.Pool {
  const pool = new (pgDriver().Pool)({
    connectionString: url,
    max: maxConnections,
    ...(statementTimeoutMs === undefined ? {} : { statement_timeout: statementTimeoutMs }),
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    // A pool error (the database restarted under an idle client) must not crash the process.
    allowExitOnIdle: false,
  });
  pool.on('error', () => {});
  // A connection lost while checked out (the database stopped mid-export) fails the query that was using it; pg
  // also emits the loss on the client, where the pool listens only while the client is idle: without this
  // listener that event would crash the process.
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

/** SQLSTATE query_canceled: what statement_timeout raises. */
const QUERY_CANCELED = '57014';

/**
 * Search queries on a pool of their own, whose connections cancel any statement past the time limit, so an
 * over-long query gives the same answer as on SQLite; the gate in front keeps the pool from ever queueing.
 */
function searchReadsOn(pool: pg.Pool, timeoutMs: number): StartRead {
  return (query, rowShape) => {
    if (pool.ending) return readAfterClose();
    const rows = pool
      .query({ text: query.sql, values: [...query.parameters], ...(rowShape === 'arrays' ? { rowMode: 'array' } : {}) })
      .then(
        (result) => result.rows as unknown[],
        (error: unknown) => {
          throw (error as { code?: unknown }).code === QUERY_CANCELED ? searchTimedOut(timeoutMs) : error;
        },
      );
    return { rows, finished: rows };
  };
}

/** The connection, without its adapter (postgres.ts adds it). */
export function connectPostgres(url: string, options: PoolOptions): Omit<DialectConnection, 'adapter'> {
  setPostgresTypeParsers();
  const pool = openPool(url, options.maxConnections);
  const db = new Kysely<LapseDatabase>({ dialect: new PostgresDialect({ pool, cursor: FailFastCursor }) });
  // Long reads hold their connection for as long as their client takes to read: a pool of their own, so however
  // slow those clients are, the main pool stays free for everything else (docs/decisions.md, "Export pool").
  const longReadPool = openPool(url, options.maxLongReads ?? DEFAULT_MAX_LONG_READS);
  // Search queries run in the database, not in this process: by default as many at once as the main pool has
  // connections (SQLite's default counts threads on this machine's cores).
  const searchLimits = {
    ...DEFAULT_SEARCH_LIMITS,
    ...options.search,
    concurrency: options.search?.concurrency ?? options.maxConnections,
  };
  const searchGate = createSearchGate(searchLimits);
  const searchPool = openPool(url, searchLimits.concurrency, searchLimits.timeoutMs);
  const startSearchRead = searchReadsOn(searchPool, searchLimits.timeoutMs);
  return {
    db,
    searchConnection: (clientKey) => gatedSearchConnection(POSTGRES_LANGUAGE, searchGate, clientKey, startSearchRead),
    drainSearches: () => searchGate.drain(),
    openReader: () => openHeldReader(longReadPool),
    async selectValues(query) {
      const result = await pool.query({ text: query.sql, values: [...query.parameters], rowMode: 'array' });
      return result.rows as unknown[][];
    },
    // Other instances write to the same database and PostgreSQL has no cheap change counter: never cache.
    dataVersion: async () => null,
    writeRows,
    bulkLoad: postgresBulkLoad(pool),
    async close() {
      searchGate.drain();
      await Promise.all([db.destroy(), longReadPool.end(), searchPool.end()]);
    },
  };
}
