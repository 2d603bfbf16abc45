// The one place that knows SQLite from PostgreSQL. Query code above this module never asks which it is on.
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, type RawBuilder, SqliteDialect, sql } from 'kysely';
import pg from 'pg';
import Cursor from 'pg-cursor';
import type { LapseDatabase } from './schema.js';

export type DialectName = 'sqlite' | 'postgres';

export interface DialectTraits {
  name: DialectName;
  /** Column type for text that is compared and ordered byte-wise, as SQLite does by default. */
  byteOrderedText: RawBuilder<unknown>;
  /** An index column that serves `ORDER BY col ASC NULLS FIRST` and, scanned backwards, `DESC NULLS LAST`. */
  nullsFirstIndexColumn(column: string): string;
}

export interface DialectConnection {
  traits: DialectTraits;
  db: Kysely<LapseDatabase>;
  /** Opens another connection for a long read, so it holds no lock the main connection needs. */
  openReader(): Promise<{ db: Kysely<LapseDatabase>; release(): Promise<void> }>;
  close(): Promise<void>;
}

export interface PoolOptions {
  /** PostgreSQL connections per server instance. */
  maxConnections: number;
}

const sqliteTraits: DialectTraits = {
  name: 'sqlite',
  byteOrderedText: sql`text`,
  nullsFirstIndexColumn: (column) => column, // SQLite already sorts nulls first ascending.
};

const postgresTraits: DialectTraits = {
  name: 'postgres',
  byteOrderedText: sql`text collate "C"`,
  nullsFirstIndexColumn: (column) => `${column} asc nulls first`,
};

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

function openSqliteFile(file: string, readonly: boolean): Database.Database {
  const database = new Database(file, { readonly, fileMustExist: readonly });
  // WAL lets readers (search, long exports) run beside the writer; NORMAL is durable at checkpoints in WAL mode.
  if (!readonly) database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  return database;
}

function connectSqlite(file: string): DialectConnection {
  const db = new Kysely<LapseDatabase>({ dialect: new SqliteDialect({ database: openSqliteFile(file, false) }) });
  const isMemory = file === ':memory:' || file === '';
  return {
    traits: sqliteTraits,
    db,
    async openReader() {
      if (isMemory) return { db, release: async () => {} };
      const reader = new Kysely<LapseDatabase>({
        dialect: new SqliteDialect({ database: openSqliteFile(file, true) }),
      });
      return { db: reader, release: () => reader.destroy() };
    },
    close: () => db.destroy(),
  };
}

let postgresTypesSet = false;
function setPostgresTypeParsers(): void {
  if (postgresTypesSet) return;
  // BIGINT (epoch ms) and COUNT(*) come back as strings by default; every value we store fits a double.
  pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));
  pg.types.setTypeParser(pg.types.builtins.NUMERIC, (value) => Number(value));
  postgresTypesSet = true;
}

function connectPostgres(url: string, options: PoolOptions): DialectConnection {
  setPostgresTypeParsers();
  const pool = new pg.Pool({
    connectionString: url,
    max: options.maxConnections,
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
  const db = new Kysely<LapseDatabase>({ dialect: new PostgresDialect({ pool, cursor: Cursor }) });
  return {
    traits: postgresTraits,
    db,
    // The pool already hands each transaction its own connection.
    openReader: async () => ({ db, release: async () => {} }),
    close: () => db.destroy(),
  };
}

/** `location` is a SQLite file path (or `:memory:`) or a `postgres://` URL. */
export function connectDialect(location: string, options: PoolOptions): DialectConnection {
  return isPostgresUrl(location) ? connectPostgres(location, options) : connectSqlite(location);
}
