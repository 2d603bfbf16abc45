// A SQLite file (through better-sqlite3): the main connection, reader connections for long reads, bulk writes.
import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { type CompiledQuery, Kysely, type SqliteDatabase, SqliteDialect } from 'kysely';
import { bulkLoadByRows } from '../bulk-load.js';
import type { ConnectOptions, DialectConnection, Reader } from '../dialect.js';
import { createQueryWorkerPool } from '../query-workers/index.js';
import type { LapseDatabase } from '../schema.js';
import {
  createSearchGate,
  DEFAULT_SEARCH_LIMITS,
  gatedSearchConnection,
  type SearchConnection,
  SQLITE_LANGUAGE,
} from '../search-reads/index.js';
import { narrowRangeCounter, sqliteSubtreePlan } from './sqlite-subtree-plan.js';

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

const OWNER_ONLY = 0o600;

/**
 * The file holds credential hashes and may hold the signing key: only its owner may read it. SQLite gives the
 * -wal and -shm files the mode of the database file, so creating that one 0600 before SQLite opens it covers
 * all three; an existing file (or a -wal or -shm left from before) that others may read is tightened to 0600.
 */
function keepFilePrivate(file: string): void {
  try {
    closeSync(openSync(file, 'wx', OWNER_ONLY));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    if (!existsSync(path)) continue;
    const { mode, uid } = statSync(path);
    if ((mode & 0o077) !== 0 && uid === process.getuid?.()) chmodSync(path, OWNER_ONLY);
  }
}

function openSqliteFile(file: string, readonly: boolean): Database.Database {
  if (!readonly && file !== ':memory:' && file !== '') keepFilePrivate(file);
  const database = new Database(file, { readonly, fileMustExist: readonly });
  // WAL lets readers (search, long exports) run beside the writer; NORMAL is durable at checkpoints in WAL mode.
  if (!readonly) database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  return database;
}

/** Leaves WAL for a rollback journal when no other connection has the file open; false when one does. */
function tryRollbackJournal(database: Database.Database): boolean {
  try {
    return database.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
  } catch {
    return false;
  }
}

/**
 * A one-off bulk load: a rollback journal writes each page once (WAL writes it twice; it stays when a server has
 * the file open), foreign keys are right by construction (parents come first), and a big page cache keeps the
 * index builds in memory. ANALYZE samples each index instead of reading it whole. Returns what undoes the journal
 * change when the load's connection closes.
 */
function setBulkLoadPragmas(database: Database.Database): () => void {
  const hasLeftWal = tryRollbackJournal(database);
  database.pragma('synchronous = OFF');
  database.pragma('foreign_keys = OFF');
  database.pragma('cache_size = -262144');
  database.pragma('temp_store = MEMORY');
  database.pragma('threads = 2'); // the index builds sort with a helper thread
  database.pragma('analysis_limit = 1000');
  return () => {
    if (hasLeftWal) database.pragma('journal_mode = WAL');
  };
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
 * Rows through one prepared statement on the raw connection, run row by row: several times faster than Kysely's
 * multi-row inserts. The batch runs in a transaction of its own, or in a savepoint of one already open on the
 * connection (the seed's), which the rows then join.
 */
function sqliteRowWriter(database: Database.Database): DialectConnection['writeRows'] {
  const insertStatement = statementCache((sqlText) => database.prepare(sqlText));
  const insertAll = database.transaction((statement: Database.Statement, columns: string[], rows: object[]) => {
    for (const row of rows) statement.run(columns.map((column) => (row as Record<string, unknown>)[column]));
  });
  return async (_db, table, rows) => {
    const first = rows[0];
    if (first === undefined) return;
    const columns = Object.keys(first);
    const names = columns.map((column) => `"${column}"`).join(', ');
    const statement = insertStatement(
      `insert into "${table}" (${names}) values (${columns.map(() => '?').join(', ')})`,
    );
    insertAll(statement, columns, rows as object[]);
  };
}

/**
 * Page cache of the main connection, which serves every search: SQLite's default (2 MiB) is smaller than the
 * pages a listing reads again and again (the index walked up to each page's offset, rows near each other), and a
 * page missing from it is a system call to read. 64 MiB holds a 100,000-company database whole; it fills only as
 * far as searches read (docs/decisions.md, "Main connection page cache"; `npm run bench -- client` measures it).
 */
const MAIN_CONNECTION_CACHE_KIB = 64 * 1024;

/**
 * Page cache of a reader connection (an export, or `lapse migrate` copying the tables; each reads every row once,
 * in order, so a small cache costs it next to nothing). Set here rather than left to the library, whose default
 * is 16 MiB a connection: that many per export in flight is what the memory of stalled exports came to, and
 * 2 MiB still made a fifth of it. A sort bigger than the cache spills to a temporary file instead of memory.
 */
const READER_CACHE_KIB = 512;

/**
 * Page cache of each search worker thread's connection (worker-pool.ts): searches read the same index and table
 * pages again and again, as the main connection's did (see MAIN_CONNECTION_CACHE_KIB); it fills only as far as
 * searches read.
 */
const SEARCH_WORKER_CACHE_KIB = 32 * 1024;

/**
 * Reader connections kept open between long reads: opening one per export costs an open, a schema read and a
 * page cache built anew each time, and the allocations that come and go with them.
 */
const MAX_IDLE_SQLITE_READERS = 4;

/** The connection, without its adapter (sqlite.ts adds it). */
export function connectSqlite(file: string, options: ConnectOptions): Omit<DialectConnection, 'adapter'> {
  const database = openSqliteFile(file, false);
  database.pragma(`cache_size = -${MAIN_CONNECTION_CACHE_KIB}`);
  const endBulkLoad = options.isBulkLoad ? setBulkLoadPragmas(database) : () => {};
  const versionStatement = database
    .prepare("select (select data_version from pragma_data_version()) || ':' || total_changes()")
    .pluck();
  // Every connection's queries are planned with the subtree sizes counted here (sqlite-subtree-plan.ts).
  const subtreePlan = sqliteSubtreePlan(narrowRangeCounter(database, () => versionStatement.get() as string));
  const db = new Kysely<LapseDatabase>({
    dialect: new SqliteDialect({ database: withStatementCache(database) }),
    plugins: [subtreePlan],
  });
  const isMemory = file === ':memory:' || file === '';
  // Statements that return arrays (raw mode is a setting of the statement, so they are kept apart).
  const arrayStatement = statementCache((sqlText) => database.prepare(sqlText).raw(true));
  const idleReaders: Reader[] = [];
  const writeRows = sqliteRowWriter(database);
  let isClosed = false;
  const searchLimits = { ...DEFAULT_SEARCH_LIMITS, ...options.search };
  const searchGate = createSearchGate(searchLimits);
  // An in-memory database exists only on its one connection, so its searches run there, on the event loop; a
  // bulk load (the seed) answers no searches.
  const searchWorkers =
    isMemory || options.isBulkLoad
      ? undefined
      : createQueryWorkerPool({
          file,
          timeoutMs: searchLimits.timeoutMs,
          threads: searchLimits.concurrency,
          cacheKib: SEARCH_WORKER_CACHE_KIB,
        });
  const selectValues = (query: CompiledQuery) =>
    // Through Kysely's hold on the connection, so the read never lands inside another request's transaction.
    db
      .connection()
      .execute(async () => arrayStatement(query.sql).all(...(query.parameters as unknown[])) as unknown[][]);
  const mainSearchConnection: SearchConnection = { db, selectValues };
  // An in-memory database exists only on its one connection, so it reads there.
  const memoryReader: Reader = {
    db,
    streamBatches: (_trx, query, batchSize) => sqliteBatches(database, query, batchSize),
    release: async () => {},
  };
  function openFileReader(): Reader {
    const readerDatabase = openSqliteFile(file, true);
    readerDatabase.pragma(`cache_size = -${READER_CACHE_KIB}`);
    const readerDb = new Kysely<LapseDatabase>({
      dialect: new SqliteDialect({ database: readerDatabase }),
      plugins: [subtreePlan],
    });
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
    db,
    openReader: async () => (isMemory ? memoryReader : (idleReaders.pop() ?? openFileReader())),
    selectValues,
    searchConnection(clientKey) {
      if (!searchWorkers) return mainSearchConnection;
      return gatedSearchConnection(SQLITE_LANGUAGE, searchGate, clientKey, searchWorkers.run, [subtreePlan]);
    },
    drainSearches: () => searchGate.drain(),
    // data_version moves when another connection (another process: `lapse admin`, a seed) commits;
    // total_changes() counts this connection's own writes. Asked on every request, so straight on the connection
    // rather than through Kysely: read in the middle of this connection's own transaction it counts changes
    // that may yet roll back, which can only make a cache miss, never serve stale data.
    dataVersion: async () => versionStatement.get() as string,
    writeRows,
    bulkLoad: bulkLoadByRows(db, writeRows),
    async close() {
      isClosed = true;
      searchGate.drain();
      await Promise.all([...idleReaders.splice(0).map((reader) => reader.db.destroy()), searchWorkers?.close()]);
      if (database.open) endBulkLoad();
      await db.destroy();
    },
  };
}
