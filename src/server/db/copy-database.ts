// Copies a whole lapse database between SQLite and PostgreSQL (either way, or like to like), then proves the
// copy: per table, the row count and an order-independent checksum read back from each side.
import { type Kysely, sql } from 'kysely';
import { type BulkLoad, connectDialect, type DialectConnection, dialectFor } from './dialect.js';
import { migrateToLatest } from './migrate.js';
import { type ChecksumColumn, type ChecksumTotal, isFloatType, TableChecksum } from './row-checksum.js';
import type { LapseDatabase } from './schema.js';
import { createSearchIndexes, dropSearchIndexes } from './search-indexes.js';

type TableName = keyof LapseDatabase;
/** Table names are only known at run time here, so rows are plain records. */
type AnyDb = Kysely<Record<string, Record<string, unknown>>>;
type Rows = AsyncIterable<readonly (readonly unknown[])[]>;

/**
 * Every table of the schema (the mapped type makes a new one a compile error until it is listed), in an order
 * the foreign keys accept, each with a unique key to read it in: companies by path, so parents land before
 * children and the read walks an index rather than sorting the table. The columns are the target's own, found at run time, so a table needs nothing more than its line here.
 */
const COPY_ORDER: { [table in TableName]: readonly string[] } = {
  industries: ['resource_id'],
  license_types: ['resource_id'],
  companies: ['path'],
  monthly_usage: ['company_id', 'month'],
  credentials: ['client_id'],
  signing_keys: ['kid'],
  rate_limit_buckets: ['bucket_key'],
  company_audit: ['id'],
};

export interface TableCopyReport {
  table: TableName;
  sourceRows: number;
  targetRows: number;
  /** 16 hex digits: the 64-bit sum over the rows of their canonical texts' SHA-256 prefixes (row-checksum.ts). */
  sourceChecksum: string;
  targetChecksum: string;
  matches: boolean;
}

export interface CopyReport {
  tables: TableCopyReport[];
  /** False when some table differs: then the target was rolled back and holds no rows. */
  matches: boolean;
}

export interface CopyOptions {
  /** Rows read and written per round trip. */
  batchSize?: number;
  onProgress?: (table: TableName, copiedRows: number) => void;
}

/** A problem with the request itself (missing source, non-empty target, schema mismatch): nothing was copied. */
export class CopyRefusedError extends Error {
  override name = 'CopyRefusedError';
}

function describeLocation(location: string): string {
  return dialectFor(location).describeLocation(location);
}

async function readAppliedMigrations(db: AnyDb, location: string): Promise<string[]> {
  try {
    const { rows } = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
    return rows.map((row) => row.name);
  } catch (error) {
    throw new CopyRefusedError(`${describeLocation(location)} is not a lapse database`, { cause: error });
  }
}

async function assertEmpty(db: AnyDb, location: string): Promise<void> {
  for (const table of Object.keys(COPY_ORDER)) {
    const row = await db.selectFrom(table).select(sql<number>`1`.as('found')).limit(1).executeTakeFirst();
    if (row !== undefined) {
      throw new CopyRefusedError(`the target ${describeLocation(location)} is not empty (table ${table} has rows)`);
    }
  }
}

/** The columns a copy writes into each table: the target's, less those it computes itself, in name order. */
async function copiedColumns(target: DialectConnection): Promise<Map<TableName, ChecksumColumn[]>> {
  const db = target.db as Kysely<unknown>;
  const tables = await db.introspection.getTables();
  const columns = new Map<TableName, ChecksumColumn[]>();
  for (const table of Object.keys(COPY_ORDER) as TableName[]) {
    const generated = await target.adapter.generatedColumnNames(db, table);
    const found = tables.find((candidate) => candidate.name === table)?.columns ?? [];
    const copied = found.filter((column) => !generated.has(column.name));
    copied.sort((a, b) => (a.name < b.name ? -1 : 1));
    columns.set(
      table,
      copied.map((column) => ({ name: column.name, isFloat: isFloatType(column.dataType) })),
    );
  }
  return columns;
}

function selectTable(db: AnyDb, table: TableName, columns: readonly string[]) {
  return COPY_ORDER[table]
    .reduce((query, column) => query.orderBy(column), db.selectFrom(table).select(columns))
    .compile();
}

/** Passes `rows` on, adding each to `checksum` and telling progress after each batch. */
async function* checksummed(rows: Rows, checksum: TableChecksum, onBatch: () => void): Rows {
  for await (const batch of rows) {
    await checksum.addBatch(batch);
    yield batch;
    onBatch();
  }
}

interface Source {
  db: AnyDb;
  /** Runs `read` in one snapshot of the source, with the reader of a table's rows inside it. */
  inSnapshot<T>(read: (rows: (table: TableName, columns: readonly string[]) => Rows) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** Copies one table's `columns` from the source into the load; returns the checksum of what it read. */
async function copyTable(
  rowsOf: (table: TableName, columns: readonly string[]) => Rows,
  target: BulkLoad,
  table: TableName,
  columns: readonly ChecksumColumn[],
  options: Required<CopyOptions>,
): Promise<ChecksumTotal> {
  const checksum = new TableChecksum(columns);
  const report = () => options.onProgress(table, checksum.rows);
  const names = columns.map((column) => column.name);
  try {
    await target.writeTable(table, names, checksummed(rowsOf(table, names), checksum, report));
    report();
    return await checksum.total();
  } finally {
    await checksum.close();
  }
}

async function openSource(location: string, batchSize: number): Promise<Source> {
  if (dialectFor(location).isMissing(location)) {
    throw new CopyRefusedError(`the source ${location} does not exist`);
  }
  const connection = connectDialect(location, { maxConnections: 2 });
  const reader = await connection.openReader();
  const db = reader.db as unknown as AnyDb;
  return {
    db,
    // One snapshot of the source for every table, so a running server's writes cannot tear the copy.
    inSnapshot: (read) =>
      db
        .transaction()
        .setIsolationLevel('repeatable read')
        .setAccessMode('read only')
        .execute((snapshot) =>
          read((table, columns) =>
            reader.streamBatches(
              snapshot as unknown as Kysely<LapseDatabase>,
              selectTable(snapshot, table, columns),
              batchSize,
            ),
          ),
        ),
    async close() {
      await reader.release();
      await connection.close();
    },
  };
}

/** A copy whose checksums differ: thrown inside the load so that it rolls back, and caught to report. */
class CopyMismatch extends Error {
  constructor(readonly report: CopyReport) {
    super('the copy does not match its source');
  }
}

async function compareWithTarget(
  target: BulkLoad,
  columns: Map<TableName, ChecksumColumn[]>,
  sourceChecksums: Map<TableName, ChecksumTotal>,
): Promise<CopyReport> {
  const tables: TableCopyReport[] = [];
  for (const [table, sourceChecksum] of sourceChecksums) {
    const targetChecksum = await target.checksum(table, columns.get(table) ?? []);
    tables.push({
      table,
      sourceRows: sourceChecksum.rows,
      targetRows: targetChecksum.rows,
      sourceChecksum: sourceChecksum.hex,
      targetChecksum: targetChecksum.hex,
      matches: sourceChecksum.rows === targetChecksum.rows && sourceChecksum.hex === targetChecksum.hex,
    });
  }
  return { tables, matches: tables.every((table) => table.matches) };
}

/**
 * Loads every table and proves it, all inside the target's one transaction: the search indexes are built once
 * the rows are in (faster than keeping them up to date row by row), and a table whose checksum differs rolls the
 * whole load back, so the target holds either the verified copy or nothing.
 */
async function loadAndVerify(
  source: Source,
  target: DialectConnection,
  options: Required<CopyOptions>,
): Promise<CopyReport> {
  const columns = await copiedColumns(target);
  try {
    return await target.bulkLoad(async (load) => {
      const db = load.db as Kysely<unknown>;
      await dropSearchIndexes(db);
      const checksums = await source.inSnapshot(async (rowsOf) => {
        const result = new Map<TableName, ChecksumTotal>();
        for (const [table, tableColumns] of columns) {
          result.set(table, await copyTable(rowsOf, load, table, tableColumns, options));
        }
        return result;
      });
      await createSearchIndexes(db, target.adapter);
      // New company ids must follow the copied ones.
      await target.adapter.resetIdentity(db, 'companies', 'id');
      await target.adapter.resetIdentity(db, 'company_audit', 'id');
      const report = await compareWithTarget(load, columns, checksums);
      if (!report.matches) throw new CopyMismatch(report);
      return report;
    });
  } catch (error) {
    if (error instanceof CopyMismatch) return error.report;
    throw error;
  }
}

/** Migrates the target and checks it can take the source: same migrations, no rows. */
async function prepareTarget(target: DialectConnection, to: string, sourceMigrations: string[]): Promise<void> {
  await migrateToLatest(target.db as Kysely<unknown>, target.adapter);
  const targetDb = target.db as unknown as AnyDb;
  const targetMigrations = await readAppliedMigrations(targetDb, to);
  if (sourceMigrations.join() !== targetMigrations.join()) {
    throw new CopyRefusedError(
      `the source has migrations [${sourceMigrations.join(', ')}] but this version of lapse writes ` +
        `[${targetMigrations.join(', ')}]: start this version on the source once so it migrates, then copy`,
    );
  }
  await assertEmpty(targetDb, to);
}

/**
 * Copies every table of the lapse database at `from` into the one at `to` (a SQLite file or a postgres:// URL).
 * The target is migrated first and must be empty; the source is only read. All or nothing: the target keeps the
 * rows only when every table's count and checksum match (the report says which did not).
 */
export async function copyDatabase(from: string, to: string, options: CopyOptions = {}): Promise<CopyReport> {
  if (from === to) throw new CopyRefusedError('the source and the target are the same database');
  const settings: Required<CopyOptions> = { batchSize: 5000, onProgress: () => {}, ...options };
  const source = await openSource(from, settings.batchSize);
  try {
    const sourceMigrations = await readAppliedMigrations(source.db, from);
    const target = connectDialect(to, { maxConnections: 2 });
    try {
      await prepareTarget(target, to, sourceMigrations);
      const report = await loadAndVerify(source, target, settings);
      // Ready to serve reads (outside the load: VACUUM cannot run in a transaction).
      if (report.matches) await target.adapter.settleAfterCopy(target.db as Kysely<unknown>);
      return report;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
