// Storage: a migrated database and the two ways the server reads it (a short snapshot, a long stream).
import type { Readable } from 'node:stream';
import { type Compilable, type Kysely, sql } from 'kysely';
import type { RateLimitStore } from '../rate-limit/index.js';
import { connectDialect, type DialectName, type PoolOptions, type SqlCsv, type SqlJson } from './dialect.js';
import { migrateToLatest } from './migrate.js';
import type { LapseDatabase } from './schema.js';

export type Db = Kysely<LapseDatabase>;

/**
 * A select's rows in batches, inside the long read's snapshot, each row an array of the selected values in
 * select order (see Reader.streamBatches).
 */
export type RowBatches = (query: Compilable<unknown>, batchSize: number) => AsyncIterable<unknown[][]>;

/** What a search page reads through: the search connection of one client (see Storage.searchReads). */
export type SearchReads = Pick<Storage, 'db' | 'selectValues' | 'withSqlJson'>;

/** Inside a long read, where the database writes CSV itself: the SQL pieces, and the bytes of a query of them. */
export interface CsvCopy {
  csv: SqlCsv;
  /** The bytes of a select of one text column (see Reader.copyOut). */
  copyOut(query: Compilable<unknown>): Readable;
}

export interface Storage {
  db: Db;
  /** Which database this is, for display (/readyz); behaviour that differs lives in the dialect adapter. */
  dialect: DialectName;
  /**
   * Reads the one way this database does faster: `inDatabase` with the pieces for having the database write JSON
   * (where the dialect has them, see SqlJson), else `inServer`. Both must give the same result.
   */
  withSqlJson<T>(inDatabase: (json: SqlJson) => Promise<T>, inServer: () => Promise<T>): Promise<T>;
  /**
   * Runs `read` in one snapshot (so a count and the rows it counts agree), on a connection of its own: for long
   * reads (exports) that must not hold up other requests. On PostgreSQL the snapshot is REPEATABLE READ; on SQLite
   * a read transaction in WAL mode. `csvCopy` is there when the database can write an export's CSV itself.
   */
  longReadSnapshot<T>(read: (db: Db, batches: RowBatches, csvCopy: CsvCopy | undefined) => Promise<T>): Promise<T>;
  /** A select's rows, each as an array of the selected values in select order (see DialectConnection). */
  selectValues(query: Compilable<unknown>): Promise<unknown[][]>;
  /**
   * The reads of one client's search, off the event loop and bounded in time and queue (DialectConnection's
   * searchConnection); writes, exports and everything else stay on `db`.
   */
  searchReads(clientKey: string): SearchReads;
  /** The server is shutting down: searches waiting for a turn are refused with 503, those running finish. */
  drainSearches(): void;
  /** Changes whenever committed writes may have changed the data; null: do not cache (see dialect.ts). */
  dataVersion(): Promise<string | null>;
  /** contract §7: the rate-limit buckets this database's server instances share (see DialectAdapter). */
  createRateLimitStore(): RateLimitStore;
  /** Throws when the database cannot be reached. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export async function openStorage(location: string, options: PoolOptions = { maxConnections: 10 }): Promise<Storage> {
  const connection = connectDialect(location, options);
  const { adapter } = connection;
  await migrateToLatest(connection.db as Kysely<unknown>, adapter);
  const withSqlJson: Storage['withSqlJson'] = (inDatabase, inServer) =>
    adapter.json ? inDatabase(adapter.json) : inServer();
  return {
    db: connection.db,
    dialect: adapter.name,
    withSqlJson,
    selectValues: (query) => connection.selectValues(query.compile()),
    searchReads(clientKey) {
      const search = connection.searchConnection(clientKey);
      return { db: search.db, withSqlJson, selectValues: (query) => search.selectValues(query.compile()) };
    },
    async longReadSnapshot(read) {
      const reader = await connection.openReader();
      try {
        const { csv } = adapter;
        const copyOut = reader.copyOut?.bind(reader);
        const csvCopy =
          csv && copyOut ? { csv, copyOut: (query: Compilable<unknown>) => copyOut(query.compile()) } : undefined;
        return await adapter.inSnapshot(reader.db, (trx) =>
          read(trx, (query, batchSize) => reader.streamBatches(trx, query.compile(), batchSize), csvCopy),
        );
      } finally {
        await reader.release();
      }
    },
    drainSearches: () => connection.drainSearches(),
    dataVersion: () => connection.dataVersion(),
    createRateLimitStore: () => adapter.createRateLimitStore(connection.db),
    async ping() {
      await sql`select 1`.execute(connection.db);
    },
    close: () => connection.close(),
  };
}
