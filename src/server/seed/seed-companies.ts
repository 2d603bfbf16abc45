// seedCompanies: fills an empty database with a deterministic company tree (same companies/seed/today → same rows).
// Everything happens in one transaction with the search indexes dropped and rebuilt after, then ANALYZE, because
// the planner's choice between the subtree range and an order index depends on its statistics.
import { type Kysely, sql, type Transaction } from 'kysely';
import { type CalendarDay, parseDay } from '../../contract/index.js';
import { AdminError } from '../admin/index.js';
import type { LapseDatabase, MonthlyUsageTable } from '../db/index.js';
import {
  connectDialect,
  createSearchIndexes,
  type DialectConnection,
  dropSearchIndexes,
  migrateToLatest,
} from '../db/index.js';
import { buildCatalogue, type SeedCatalogue } from './catalogue.js';
import { generateCompanyTree, type SeededCompany, type TreeOutline } from './company-tree.js';
import { createUsageRandom, seededUsageMonths, type UsageMonth, usageRowsOf } from './monthly-usage.js';
import { createRandom, type Random } from './random.js';
import { createTally, type SeedCounts } from './seed-tally.js';

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

/** Companies handed to the database's bulk writer at a time. */
const BATCH_ROWS = 500;

type Trx = Transaction<LapseDatabase>;

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
    await trx.deleteFrom('monthly_usage').execute();
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

/** What the seed writes besides the companies: each company's monthly usage. */
interface UsageStream {
  months: readonly UsageMonth[];
  random: Random;
}

async function writeCompanies(
  connection: DialectConnection,
  trx: Trx,
  rows: Iterable<SeededCompany>,
  usage: UsageStream,
  onRow: (row: SeededCompany) => void,
): Promise<void> {
  let batch: SeededCompany[] = [];
  let usageBatch: MonthlyUsageTable[] = [];
  const flush = async () => {
    await connection.writeRows(trx, 'companies', batch);
    await connection.writeRows(trx, 'monthly_usage', usageBatch);
    batch = [];
    usageBatch = [];
  };
  for (const row of rows) {
    onRow(row);
    batch.push(row);
    usageBatch.push(...usageRowsOf(row, usage.months, usage.random));
    if (batch.length === BATCH_ROWS) await flush();
  }
  await flush();
}

async function load(connection: DialectConnection, options: SeedOptions): Promise<SeedSummary> {
  const { db, adapter } = connection;
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
    const rows = generateCompanyTree(options.companies, options.today, random, catalogue, outline);
    const usage = { months: seededUsageMonths(options.today), random: createUsageRandom(options.seed) };
    await writeCompanies(connection, trx, rows, usage, countRow);
    await createSearchIndexes(schemaDb, adapter);
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

/** `location`: a SQLite file path or a postgres:// URL (as openStorage takes). */
export async function seedCompanies(location: string, options: SeedOptions): Promise<SeedSummary> {
  checkOptions(options);
  if (location === ':memory:' || location === '') throw new AdminError('The seed needs a database file or URL');
  const connection = connectDialect(location, { maxConnections: 1, isBulkLoad: true });
  try {
    await migrateToLatest(connection.db as Kysely<unknown>, connection.adapter);
    const summary = await load(connection, options);
    // Ids were given explicitly, so the database's own numbering must be moved past them for later inserts.
    await connection.adapter.resetIdentity(connection.db as Kysely<unknown>, 'companies', 'id');
    return summary;
  } finally {
    await connection.close();
  }
}
