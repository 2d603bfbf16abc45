// Copies a whole lapse database between SQLite and PostgreSQL (either way, or like to like), then proves the
// copy: per table, the row count and an order-independent checksum read back from each side.
import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { connectDialect, type DialectConnection, dialectFor } from './dialect.js';
import { migrateToLatest } from './migrate.js';
import type { LapseDatabase } from './schema.js';
import { createSearchIndexes, dropSearchIndexes } from './search-indexes.js';

type TableName = keyof LapseDatabase;
type Row = Record<string, unknown>;
/** Table names are only known at run time here, so rows are plain records. */
type AnyDb = Kysely<Record<string, Row>>;

/**
 * Every table of the schema (the mapped type makes a new one a compile error until it is listed), in an order
 * the foreign keys accept, each with the key that streams it: companies by depth so parents land before children.
 */
const COPY_ORDER: { [table in TableName]: readonly string[] } = {
  industries: ['resource_id'],
  license_types: ['resource_id'],
  companies: ['depth', 'id'],
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
  /** 64-bit sum of the SHA-256 prefixes of each row's canonical JSON, as 16 hex digits. */
  sourceChecksum: string;
  targetChecksum: string;
  matches: boolean;
}

export interface CopyReport {
  tables: TableCopyReport[];
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

/** Adds rows into a checksum that does not depend on their order. */
class TableChecksum {
  rows = 0;
  #sum = 0n;

  add(row: Row): void {
    // Canonical JSON: columns in name order, so both databases' column order and drivers agree.
    const canonical = JSON.stringify(
      Object.keys(row)
        .sort()
        .map((column) => [column, row[column]]),
    );
    const digest = createHash('sha256').update(canonical).digest();
    this.#sum = BigInt.asUintN(64, this.#sum + digest.readBigUInt64BE(0));
    this.rows += 1;
  }

  get hex(): string {
    return this.#sum.toString(16).padStart(16, '0');
  }
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

function streamTable(db: AnyDb, table: TableName, batchSize: number): AsyncIterable<Row> {
  return COPY_ORDER[table]
    .reduce((query, column) => query.orderBy(column), db.selectFrom(table).selectAll())
    .stream(batchSize);
}

function withoutColumns(row: Row, columns: Set<string>): Row {
  return columns.size === 0 ? row : Object.fromEntries(Object.entries(row).filter(([column]) => !columns.has(column)));
}

/**
 * Streams one table from source to target; returns the checksum of what it read. Columns the database computes
 * itself (GENERATED ALWAYS) are read and checksummed like any other, never written; the target's own definition
 * counts, since that is where the insert goes.
 */
async function copyTable(source: AnyDb, target: DialectConnection, table: TableName, options: Required<CopyOptions>) {
  const generated = await target.adapter.generatedColumnNames(target.db as Kysely<unknown>, table);
  const checksum = new TableChecksum();
  let batch: Row[] = [];
  for await (const row of streamTable(source, table, options.batchSize)) {
    checksum.add(row);
    batch.push(withoutColumns(row, generated));
    if (batch.length >= options.batchSize) {
      await target.writeRows(target.db, table, batch);
      batch = [];
      options.onProgress(table, checksum.rows);
    }
  }
  await target.writeRows(target.db, table, batch);
  options.onProgress(table, checksum.rows);
  return checksum;
}

async function checksumTable(db: AnyDb, table: TableName, batchSize: number): Promise<TableChecksum> {
  const checksum = new TableChecksum();
  for await (const row of streamTable(db, table, batchSize)) checksum.add(row);
  return checksum;
}

/** After the bulk load: new company ids must follow the copied ones, and the database gets ready to serve reads. */
async function finishTarget(target: DialectConnection): Promise<void> {
  const db = target.db as Kysely<unknown>;
  await target.adapter.resetIdentity(db, 'companies', 'id');
  await target.adapter.resetIdentity(db, 'company_audit', 'id');
  await target.adapter.settleAfterCopy(db);
}

async function openSource(location: string) {
  if (dialectFor(location).isMissing(location)) {
    throw new CopyRefusedError(`the source ${location} does not exist`);
  }
  const connection = connectDialect(location, { maxConnections: 2 });
  const reader = await connection.openReader();
  return {
    db: reader.db as unknown as AnyDb,
    async close() {
      await reader.release();
      await connection.close();
    },
  };
}

async function copyAllTables(source: AnyDb, target: DialectConnection, options: Required<CopyOptions>) {
  await dropSearchIndexes(target.db as Kysely<unknown>);
  // One snapshot of the source for every table, so a running server's writes cannot tear the copy.
  const checksums = await source
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute(async (snapshot) => {
      const result = new Map<TableName, TableChecksum>();
      for (const table of Object.keys(COPY_ORDER) as TableName[]) {
        result.set(table, await copyTable(snapshot, target, table, options));
      }
      return result;
    });
  await createSearchIndexes(target.db as Kysely<unknown>, target.adapter);
  await finishTarget(target);
  return checksums;
}

async function compareWithTarget(targetDb: AnyDb, sourceChecksums: Map<TableName, TableChecksum>, batchSize: number) {
  const tables: TableCopyReport[] = [];
  for (const [table, sourceChecksum] of sourceChecksums) {
    const targetChecksum = await checksumTable(targetDb, table, batchSize);
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
 * The target is migrated first and must be empty; the source is only read.
 */
export async function copyDatabase(from: string, to: string, options: CopyOptions = {}): Promise<CopyReport> {
  if (from === to) throw new CopyRefusedError('the source and the target are the same database');
  const settings: Required<CopyOptions> = { batchSize: 1000, onProgress: () => {}, ...options };
  const source = await openSource(from);
  try {
    const sourceMigrations = await readAppliedMigrations(source.db, from);
    const target = connectDialect(to, { maxConnections: 2 });
    try {
      await prepareTarget(target, to, sourceMigrations);
      const sourceChecksums = await copyAllTables(source.db, target, settings);
      return await compareWithTarget(target.db as unknown as AnyDb, sourceChecksums, settings.batchSize);
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
