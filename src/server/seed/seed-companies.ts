// seedCompanies: fills an empty database with a deterministic company tree (same companies/seed/today → same rows).
// Everything happens in one transaction with the search indexes dropped and rebuilt after, then ANALYZE, because
// the planner's choice between the subtree range and an order index depends on its statistics.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { type CalendarDay, parseDay } from '../../contract/index.js';
import { AdminError } from '../admin/admin-error.js';
import { connectDialect, type DialectTraits, isPostgresUrl } from '../db/dialect.js';
import { migrateToLatest } from '../db/migrate.js';
import { createSearchIndexes, dropSearchIndexes } from '../db/migrations/001-initial.js';
import type { LapseDatabase } from '../db/schema.js';
import { buildCatalogue, type SeedCatalogue } from './catalogue.js';
import { generateCompanyTree, type SeededCompany, type TreeOutline } from './company-tree.js';
import { createRandom } from './random.js';
import { createTally, type SeedCounts } from './seed-tally.js';
import { sqliteRowWriter, type Trx, type WriteRows, writeRowsWithKysely } from './seed-writers.js';

export interface SeedOptions {
  companies: number;
  seed: number;
  /** Renewal dates are spread around this day (contract §4: expired means renewal day before today). */
  today: CalendarDay;
  /** Delete every company and credential first; without it a non-empty database is refused. */
  reset?: boolean;
  /** Called after every PROGRESS_INTERVAL companies. */
  onProgress?: (written: number, total: number) => void;
}

export interface SeedSummary extends TreeOutline {
  companies: number;
  seed: number;
  today: CalendarDay;
  counts: SeedCounts;
  industries: number;
  licenseTypes: number;
}

export const PROGRESS_INTERVAL = 100_000;

function checkOptions(options: SeedOptions): void {
  if (!Number.isSafeInteger(options.companies) || options.companies < 1) {
    throw new AdminError(`companies must be a whole number of at least 1, not ${options.companies}`);
  }
  if (!Number.isSafeInteger(options.seed) || options.seed < 0 || options.seed > 0xffff_ffff) {
    throw new AdminError(`seed must be a whole number from 0 to 4294967295, not ${options.seed}`);
  }
  if (parseDay(options.today) === undefined)
    throw new AdminError(`today must be a YYYY-MM-DD day, not ${options.today}`);
}

async function clearOrRefuse(trx: Trx, reset: boolean): Promise<void> {
  if (reset) {
    await trx.deleteFrom('credentials').execute();
    await trx.deleteFrom('companies').execute();
    await trx.deleteFrom('industries').execute();
    await trx.deleteFrom('license_types').execute();
    return;
  }
  const existing = await trx.selectFrom('companies').select('id').limit(1).executeTakeFirst();
  if (existing !== undefined)
    throw new AdminError('The database already holds companies; seed with --reset to replace them');
  // With no companies nothing refers to the catalogue: the seed replaces it with its own.
  await trx.deleteFrom('industries').execute();
  await trx.deleteFrom('license_types').execute();
}

async function insertCatalogue(trx: Trx, catalogue: SeedCatalogue): Promise<void> {
  const rows = (entries: SeedCatalogue['industries']) =>
    entries.map((entry) => ({ resource_id: entry.resourceId, name: entry.name }));
  await trx.insertInto('industries').values(rows(catalogue.industries)).execute();
  await trx.insertInto('license_types').values(rows(catalogue.licenseTypes)).execute();
}

async function load(
  db: Kysely<LapseDatabase>,
  traits: DialectTraits,
  writeRows: WriteRows,
  options: SeedOptions,
): Promise<SeedSummary> {
  const random = createRandom(options.seed);
  const catalogue = buildCatalogue(random);
  const outline: TreeOutline = {
    rootResourceId: '',
    resellers: [],
    deepCompanyResourceId: null,
    formulaCompanyResourceId: null,
  };
  const tally = createTally(options.today);
  const countRow = (row: SeededCompany) => {
    tally.add(row);
    if (tally.counts.companies % PROGRESS_INTERVAL === 0)
      options.onProgress?.(tally.counts.companies, options.companies);
  };
  await db.transaction().execute(async (trx) => {
    await clearOrRefuse(trx, options.reset === true);
    const schemaDb = trx as unknown as Kysely<unknown>;
    await dropSearchIndexes(schemaDb);
    await insertCatalogue(trx, catalogue);
    await writeRows(trx, generateCompanyTree(options.companies, options.today, random, catalogue, outline), countRow);
    await createSearchIndexes(schemaDb, traits);
  });
  await sql`analyze`.execute(db);
  return {
    companies: options.companies,
    seed: options.seed,
    today: options.today,
    ...outline,
    counts: tally.counts,
    industries: catalogue.industries.length,
    licenseTypes: catalogue.licenseTypes.length,
  };
}

/** Leaves WAL for a rollback journal when no other connection has the file open; false when one does. */
function tryRollbackJournal(handle: Database.Database): boolean {
  try {
    return handle.pragma('journal_mode = DELETE', { simple: true }) === 'delete';
  } catch {
    return false;
  }
}

async function seedSqlite(file: string, traits: DialectTraits, options: SeedOptions): Promise<SeedSummary> {
  const handle = new Database(file);
  // A one-off bulk load: a rollback journal writes each page once (WAL writes it twice; it stays when a server
  // has the file open), foreign keys are right by construction (parents come first), and a big page cache keeps
  // the index builds in memory. ANALYZE samples each index instead of reading it whole.
  const leftWal = tryRollbackJournal(handle);
  handle.pragma('busy_timeout = 5000');
  handle.pragma('synchronous = OFF');
  handle.pragma('foreign_keys = OFF');
  handle.pragma('cache_size = -262144');
  handle.pragma('temp_store = MEMORY');
  handle.pragma('threads = 2'); // the index builds sort with a helper thread
  handle.pragma('analysis_limit = 1000');
  const db = new Kysely<LapseDatabase>({ dialect: new SqliteDialect({ database: handle }) });
  try {
    return await load(db, traits, sqliteRowWriter(handle), options);
  } finally {
    if (leftWal) handle.pragma('journal_mode = WAL');
    await db.destroy();
  }
}

async function seedPostgres(db: Kysely<LapseDatabase>, traits: DialectTraits, options: SeedOptions) {
  const summary = await load(db, traits, writeRowsWithKysely, options);
  // Ids were given explicitly, so the identity sequence must be moved past them for later inserts.
  await sql`select setval(pg_get_serial_sequence('companies', 'id'), (select max(id) from companies))`.execute(db);
  return summary;
}

/** `location`: a SQLite file path or a postgres:// URL (as openStorage takes). */
export async function seedCompanies(location: string, options: SeedOptions): Promise<SeedSummary> {
  checkOptions(options);
  if (location === ':memory:' || location === '') throw new AdminError('The seed needs a database file or URL');
  const connection = connectDialect(location, { maxConnections: 1 });
  try {
    await migrateToLatest(connection.db as Kysely<unknown>, connection.traits);
    if (isPostgresUrl(location)) return await seedPostgres(connection.db, connection.traits, options);
  } finally {
    await connection.close();
  }
  return seedSqlite(location, connection.traits, options);
}
