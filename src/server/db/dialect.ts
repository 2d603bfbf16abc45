// What differs between SQLite and PostgreSQL, as one interface with an implementation per database
// (dialects/sqlite.ts, dialects/postgres.ts), chosen here from the location. Code above asks the adapter to do
// things; it never asks which database it is on.
import type { Readable } from 'node:stream';
import type { ColumnDefinitionBuilder, CompiledQuery, Kysely, RawBuilder } from 'kysely';
import type { RateLimitStore } from '../rate-limit/index.js';
import { postgresAdapter, sqliteAdapter } from './dialects/index.js';
import type { ChecksumColumn } from './row-checksum.js';
import type { LapseDatabase } from './schema.js';
import type { SearchConnection, SearchLimits } from './search-reads/index.js';

export type DialectName = 'sqlite' | 'postgres';

type Expression = RawBuilder<unknown>;

/**
 * The pieces for writing a JSON object in SQL, so a row leaves the database as its JSON text: one string per row
 * instead of a value per column, an object and a JSON.stringify (companies/company-records.ts; `npm run bench -- search-json` measures it).
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

/**
 * The pieces for writing a CSV export's lines in SQL, the bytes spreadsheet/csv.ts writes (contract §5), so a
 * database that can stream a query's result as bytes writes the file itself (companies/export-copy.ts).
 */
export interface SqlCsv {
  /** A text (or null, as empty) as its field: neutralised against formulas, quoted when csv.ts quotes it. */
  text(value: Expression): Expression;
  /** A value whose text holds nothing a CSV or formula reader looks at (an integer, a day) as it is; null empty. */
  verbatim(value: Expression): Expression;
  /** A condition as `true` or `false` (`false` when the condition is null). */
  boolean(condition: Expression): Expression;
  /** Epoch milliseconds as their UTC day `YYYY-MM-DD`, for the years 0000 to 9999; null stays null. */
  utcDay(ms: Expression): Expression;
  /** A JSON array of texts as its elements joined by `separator`. */
  joinedTextList(jsonArray: Expression, separator: string): Expression;
  /** `use` of `value` computed once per row (the field pieces above name their value several times). */
  once(value: Expression, use: (value: Expression) => Expression): Expression;
  /** Fields as one CSV line, its CRLF included. */
  line(fields: readonly Expression[]): RawBuilder<string>;
}

export interface PoolOptions {
  /** PostgreSQL connections per server instance, for everything but long reads. */
  maxConnections: number;
  /**
   * Long reads (exports) open at once, each on a connection of its own: on PostgreSQL a pool apart from
   * maxConnections', so long reads never take the connections searches, tokens and /readyz need.
   */
  maxLongReads?: number;
  /** Bounds on search queries (each unset one takes DEFAULT_SEARCH_LIMITS' value). */
  search?: Partial<SearchLimits>;
}

/** Long reads open at once when PoolOptions does not say. */
export const DEFAULT_MAX_LONG_READS = 8;

export interface ConnectOptions extends PoolOptions {
  /**
   * A one-off load by a process of its own (the seed): SQLite trades durability for speed until the connection
   * closes (a crash mid-load leaves a file to seed again).
   */
  isBulkLoad?: boolean;
}

type ColumnDefinition = (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder;

export interface DialectAdapter {
  /** For display (/readyz) only: nothing branches on it. */
  readonly name: DialectName;
  connect(location: string, options: ConnectOptions): DialectConnection;
  /** The location as it may be shown in a message: a URL without its password. */
  describeLocation(location: string): string;
  /** True when there is certainly no database at `location` yet (a SQLite file not created). */
  isMissing(location: string): boolean;

  /** Column type for text that is compared and ordered byte-wise, as SQLite does by default. */
  readonly byteOrderedText: RawBuilder<unknown>;
  /** An index column that serves `ORDER BY col ASC NULLS FIRST` and, scanned backwards, `DESC NULLS LAST`. */
  nullsFirstIndexColumn(column: string): string;
  /** Ends a CREATE TABLE whose rows are stored in their primary key's order, where the database can (no rowid). */
  readonly clusteredByPrimaryKey: RawBuilder<unknown>;
  /** An integer primary key the database numbers on insert, which also takes ids given explicitly. */
  readonly identityPrimaryKey: ColumnDefinition;
  /** A column the database computes from `expression` and stores, so an index can carry it. */
  storedGeneratedColumn(expression: Expression): ColumnDefinition;
  /** The columns of `table` that the database computes (never written by an insert). */
  generatedColumnNames(db: Kysely<unknown>, table: string): Promise<Set<string>>;
  indexNames(db: Kysely<unknown>, table: string): Promise<string[]>;

  /** Runs the migrations in `run` so that no other process migrates the same database at the same time. */
  withMigrationLock<T>(db: Kysely<unknown>, run: (db: Kysely<unknown>) => Promise<T>): Promise<T>;
  /** Runs `read` in one transaction that sees one snapshot of the data throughout (a count and its rows agree). */
  inSnapshot<T>(db: Kysely<LapseDatabase>, read: (trx: Kysely<LapseDatabase>) => Promise<T>): Promise<T>;
  /** JSON built by the database, where that is cheaper than in the server (see SqlJson); absent: built there. */
  readonly json: SqlJson | undefined;
  /** CSV lines written by the database, with Reader.copyOut to read them (see SqlCsv); absent: written there. */
  readonly csv: SqlCsv | undefined;

  /** After a load that gave `table.column` ids explicitly: the next id the database hands out follows them. */
  resetIdentity(db: Kysely<unknown>, table: string, column: string): Promise<void>;
  /** After a bulk copy into an empty database, before it serves reads. */
  settleAfterCopy(db: Kysely<unknown>): Promise<void>;

  /** contract §7: the buckets every server instance on this database must share. */
  createRateLimitStore(db: Kysely<LapseDatabase>): RateLimitStore;
}

export interface DialectConnection {
  adapter: DialectAdapter;
  db: Kysely<LapseDatabase>;
  /** Opens another connection for a long read, so it holds no lock the main connection needs. */
  openReader(): Promise<Reader>;
  /**
   * A select's rows, each as an array of the selected values in select order (no object built per row): for
   * reads of many rows, such as a search page.
   */
  selectValues(query: CompiledQuery): Promise<unknown[][]>;
  /**
   * Where `clientKey`'s search queries run, within PoolOptions.search's bounds: off the event loop, limited in
   * time, waiting their turn in a bounded line (SECURITY.md, "Search queries"). Only selects.
   */
  searchConnection(clientKey: string): SearchConnection;
  /** The server is shutting down: search queries no longer wait for a turn (SearchGate.drain). */
  drainSearches(): void;
  /**
   * A value that changes whenever any committed write may have changed the data, cheap enough to ask on every
   * request; null when the database offers no such thing (then nothing may be cached on it).
   */
  dataVersion(): Promise<string | null>;
  /**
   * Inserts `rows` (objects with the same columns) into `table` the fastest way this database takes many rows:
   * the bulk loads (seed, copy) write through it. `db` is this connection's db or a transaction open on it; on
   * SQLite the rows go straight to the connection, so nothing else may be running on it meanwhile.
   */
  writeRows(db: Kysely<LapseDatabase>, table: keyof LapseDatabase, rows: readonly object[]): Promise<void>;
  /**
   * Runs `load` in one transaction on one connection of its own: kept whole when `load` resolves, rolled back
   * (nothing written) when it throws. For copies into an empty database (`lapse migrate`).
   */
  bulkLoad<T>(load: (target: BulkLoad) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** An empty database being filled inside one transaction (DialectConnection.bulkLoad). */
export interface BulkLoad {
  /** The load's transaction: its reads see what the load has written. */
  db: Kysely<LapseDatabase>;
  /**
   * Writes rows into the empty `table`, each an array of the values of `columns` in that order, the fastest way
   * this database takes them. Nothing may run on `db` until it resolves.
   */
  writeTable(
    table: keyof LapseDatabase,
    columns: readonly string[],
    batches: AsyncIterable<readonly (readonly unknown[])[]>,
  ): Promise<void>;
  /** The row count and checksum (row-checksum.ts) of `table`'s `columns` as the load has written them. */
  checksum(table: keyof LapseDatabase, columns: readonly ChecksumColumn[]): Promise<{ rows: number; hex: string }>;
}

export interface Reader {
  db: Kysely<LapseDatabase>;
  /**
   * A select's rows in batches, read inside the transaction `trx` opened on this reader's `db`; each row is an
   * array of the selected values, in select order. Kysely streams SQLite rows one at a time through several
   * async steps, as objects; batches cost one step each, and arrays save building an object per row.
   */
  streamBatches(trx: Kysely<LapseDatabase>, query: CompiledQuery, batchSize: number): AsyncIterable<unknown[][]>;
  /**
   * The bytes of a select of one text column, its rows' texts one after another, read inside the transaction
   * open on this reader's `db` at the speed the database writes them (present where the adapter has `csv`).
   * Destroying the stream before its end lets the query run out unread, so the transaction stays usable.
   */
  copyOut?(query: CompiledQuery): Readable;
  release(): Promise<void>;
}

/** `location` is a SQLite file path (or `:memory:`) or a `postgres://` URL. */
export function dialectFor(location: string): DialectAdapter {
  return /^postgres(ql)?:\/\//i.test(location) ? postgresAdapter : sqliteAdapter;
}

export function connectDialect(location: string, options: ConnectOptions): DialectConnection {
  return dialectFor(location).connect(location, options);
}
