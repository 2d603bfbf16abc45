// The one place that knows SQLite from PostgreSQL. Query code above this module never asks which it is on.
import Database from 'better-sqlite3';
import {
  type CompiledQuery,
  Kysely,
  PostgresDialect,
  type RawBuilder,
  type SqliteDatabase,
  SqliteDialect,
  sql,
} from 'kysely';
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
  /** JSON built by the database, where that is cheaper than in the server (see SqlJson); absent: built here. */
  json?: SqlJson;
}

type Expression = RawBuilder<unknown>;

/**
 * The pieces for writing a JSON object in SQL, so a row leaves the database as its JSON text: one string per row
 * instead of a value per column, an object and a JSON.stringify (companies/company-json.ts, measured there).
 */
export interface SqlJson {
  /** A JSON object's text, keys in the order given; text values become JSON strings, numbers and null stay. */
  object(entries: readonly (readonly [key: string, value: Expression])[]): RawBuilder<string>;
  /** A condition as JSON `true` or `false` (`false` when the condition is null). */
  boolean(condition: Expression): Expression;
  /** Text holding JSON, written as that JSON rather than as a string. */
  embed(jsonText: Expression): Expression;
  /**
   * Epoch milliseconds as the text `Date#toISOString()` gives, for the years 0000 to 9999 (all a date field
   * holds); null stays null.
   */
  isoInstant(ms: Expression): Expression;
  /** An integer as its decimal text. */
  decimalText(integer: Expression): Expression;
}

export interface DialectConnection {
  traits: DialectTraits;
  db: Kysely<LapseDatabase>;
  /** Opens another connection for a long read, so it holds no lock the main connection needs. */
  openReader(): Promise<Reader>;
  /**
   * A select's rows, each as an array of the selected values in select order (no object built per row): for
   * reads of many rows, such as a search page.
   */
  selectValues(query: CompiledQuery): Promise<unknown[][]>;
  /**
   * A value that changes whenever any committed write may have changed the data, cheap enough to ask on every
   * request; null when the database offers no such thing (then nothing may be cached on it).
   */
  dataVersion(): Promise<string | null>;
  close(): Promise<void>;
}

export interface Reader {
  db: Kysely<LapseDatabase>;
  /**
   * A select's rows in batches, read inside the transaction `trx` opened on this reader's `db`; each row is an
   * array of the selected values, in select order. Kysely streams SQLite rows one at a time through several
   * async steps, as objects; batches cost one step each, and arrays save building an object per row.
   */
  streamBatches(trx: Kysely<LapseDatabase>, query: CompiledQuery, batchSize: number): AsyncIterable<unknown[][]>;
  release(): Promise<void>;
}

/** better-sqlite3 reads synchronously: a batch is `batchSize` steps of the statement's iterator. */
async function* sqliteBatches(database: Database.Database, query: CompiledQuery, batchSize: number) {
  const statement = database.prepare(query.sql).raw(true);
  const rows = statement.iterate(...(query.parameters as unknown[])) as IterableIterator<unknown[]>;
  try {
    for (;;) {
      const batch: unknown[][] = [];
      for (let next = rows.next(); !next.done; next = rows.next()) {
        batch.push(next.value);
        if (batch.length === batchSize) break;
      }
      if (batch.length > 0) yield batch;
      if (batch.length < batchSize) return;
    }
  } finally {
    rows.return?.();
  }
}

/**
 * pg-cursor reads `batchSize` rows per round trip, and Kysely's executor hands them over as one result. pg keeps
 * an object's keys in the result's column order, so its values are the row in select order.
 */
async function* postgresBatches(trx: Kysely<LapseDatabase>, query: CompiledQuery, batchSize: number) {
  for await (const result of trx.getExecutor().stream(query, batchSize))
    yield (result.rows as object[]).map((row) => Object.values(row));
}

export interface PoolOptions {
  /** PostgreSQL connections per server instance. */
  maxConnections: number;
}

/** The milliseconds past the second of epoch ms, before 1970 too (SQLite's integer `%` truncates towards zero). */
const sqliteMillisOf = (ms: Expression) => sql`((${ms} % 1000 + 1000) % 1000)`;

const sqliteJson: SqlJson = {
  object: (entries) => sql<string>`json_object(${sql.join(entries.flatMap(([key, value]) => [sql.lit(key), value]))})`,
  boolean: (condition) => sql`json(iif(${condition}, 'true', 'false'))`,
  embed: (jsonText) => sql`json(${jsonText})`,
  // strftime and printf of a null are null, and so is `||` with a null: a null instant stays null.
  isoInstant: (ms) =>
    sql`strftime('%Y-%m-%dT%H:%M:%S', (${ms} - ${sqliteMillisOf(ms)}) / 1000, 'unixepoch') || printf('.%03dZ', ${sqliteMillisOf(ms)})`,
  decimalText: (integer) => sql`cast(${integer} as text)`,
};

const sqliteTraits: DialectTraits = {
  name: 'sqlite',
  byteOrderedText: sql`text`,
  nullsFirstIndexColumn: (column) => column, // SQLite already sorts nulls first ascending.
  json: sqliteJson,
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

const MAX_CACHED_STATEMENTS = 500;

/**
 * Kysely prepares every query anew; on a hot search path preparing costs as much as running. The main
 * connection keeps its prepared statements (the SQL text is the key; values are bound per call). Kysely holds a
 * connection for one query or stream at a time, so a statement is never run twice at once.
 */
function statementCache(prepare: (sqlText: string) => Database.Statement) {
  const statements = new Map<string, Database.Statement>();
  return (sqlText: string) => {
    let statement = statements.get(sqlText);
    if (!statement) {
      statement = prepare(sqlText);
      if (statements.size >= MAX_CACHED_STATEMENTS) statements.delete(statements.keys().next().value as string);
      statements.set(sqlText, statement);
    }
    return statement;
  };
}

function withStatementCache(database: Database.Database): SqliteDatabase {
  return { close: () => database.close(), prepare: statementCache((sqlText) => database.prepare(sqlText)) };
}

/**
 * Page cache of the main connection, which serves every search: SQLite's default (2 MiB) is smaller than the
 * pages a listing reads again and again (the index walked up to each page's offset, rows near each other), and a
 * page missing from it is a system call to read. 64 MiB holds a 100,000-company database whole; it fills only as
 * far as searches read. Reader connections (exports, which read each row once under a memory ceiling) keep the
 * default. `npm run bench -- client` measured listings 15–20% faster with it.
 */
const MAIN_CONNECTION_CACHE_KIB = 64 * 1024;

/**
 * Reader connections kept open between long reads: opening one per export costs an open, a schema read and a
 * page cache built anew each time, and the allocations that come and go with them.
 */
const MAX_IDLE_SQLITE_READERS = 4;

function connectSqlite(file: string): DialectConnection {
  const database = openSqliteFile(file, false);
  database.pragma(`cache_size = -${MAIN_CONNECTION_CACHE_KIB}`);
  const db = new Kysely<LapseDatabase>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  const isMemory = file === ':memory:' || file === '';
  const versionStatement = database
    .prepare("select (select data_version from pragma_data_version()) || ':' || total_changes()")
    .pluck();
  // Statements that return arrays (raw mode is a setting of the statement, so they are kept apart).
  const arrayStatement = statementCache((sqlText) => database.prepare(sqlText).raw(true));
  const idleReaders: Reader[] = [];
  let isClosed = false;
  // An in-memory database exists only on its one connection, so it reads there.
  const memoryReader: Reader = {
    db,
    streamBatches: (_trx, query, batchSize) => sqliteBatches(database, query, batchSize),
    release: async () => {},
  };
  function openFileReader(): Reader {
    const readerDatabase = openSqliteFile(file, true);
    const readerDb = new Kysely<LapseDatabase>({ dialect: new SqliteDialect({ database: readerDatabase }) });
    const reader: Reader = {
      db: readerDb,
      // The raw handle is the connection the transaction runs on, so the batches read inside it.
      streamBatches: (_trx, query, batchSize) => sqliteBatches(readerDatabase, query, batchSize),
      async release() {
        // Only a reader whose read ended cleanly goes back: one still in a transaction is closed instead.
        if (!isClosed && !readerDatabase.inTransaction && idleReaders.length < MAX_IDLE_SQLITE_READERS) {
          idleReaders.push(reader);
        } else {
          await readerDb.destroy();
        }
      },
    };
    return reader;
  }
  return {
    traits: sqliteTraits,
    db,
    openReader: async () => (isMemory ? memoryReader : (idleReaders.pop() ?? openFileReader())),
    // Through Kysely's hold on the connection, so the read never lands inside another request's transaction.
    selectValues: (query) =>
      db
        .connection()
        .execute(async () => arrayStatement(query.sql).all(...(query.parameters as unknown[])) as unknown[][]),
    // data_version moves when another connection (another process: `lapse admin`, a seed) commits;
    // total_changes() counts this connection's own writes. Asked on every request, so straight on the connection
    // rather than through Kysely: read in the middle of this connection's own transaction it counts changes
    // that may yet roll back, which can only make a cache miss, never serve stale data.
    dataVersion: async () => versionStatement.get() as string,
    async close() {
      isClosed = true;
      await Promise.all(idleReaders.splice(0).map((reader) => reader.db.destroy()));
      await db.destroy();
    },
  };
}

/**
 * pg-cursor's close() waits for a ReadyForQuery that a lost connection never sends, so an export whose database
 * went away would hang instead of failing (contract §5: a cut export must not look whole, nor stall). A cursor
 * that has failed has nothing left to close: its error already ended the query.
 */
class FailFastCursor<Row> extends Cursor<Row> {
  override close(): Promise<void>;
  override close(callback: (err: Error) => void): undefined;
  override close(callback?: (err: Error) => void): Promise<void> | undefined {
    const hasFailed = (this as unknown as { state: string }).state === 'error';
    if (!hasFailed) return callback ? super.close(callback) : super.close();
    if (!callback) return Promise.resolve();
    setImmediate(callback as () => void);
    return undefined;
  }
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
  const db = new Kysely<LapseDatabase>({ dialect: new PostgresDialect({ pool, cursor: FailFastCursor }) });
  return {
    traits: postgresTraits,
    db,
    // The pool already hands each transaction its own connection.
    openReader: async () => ({ db, streamBatches: postgresBatches, release: async () => {} }),
    async selectValues(query) {
      const result = await pool.query({ text: query.sql, values: [...query.parameters], rowMode: 'array' });
      return result.rows as unknown[][];
    },
    // Other instances write to the same database and PostgreSQL has no cheap change counter: never cache.
    dataVersion: async () => null,
    close: () => db.destroy(),
  };
}

/** `location` is a SQLite file path (or `:memory:`) or a `postgres://` URL. */
export function connectDialect(location: string, options: PoolOptions): DialectConnection {
  return isPostgresUrl(location) ? connectPostgres(location, options) : connectSqlite(location);
}
