import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../../test/support/databases.js';
import { findTreeInconsistencies } from '../../../test/support/tree-consistency.js';
import { dayOf, dayStartUtc, firstDayOfMonth, monthOf, shiftMonth } from '../../contract/index.js';
import type { Db } from '../db/index.js';
import { connectDialect, isInSubtree, openStorage, SEARCH_INDEXES, type Storage } from '../db/index.js';
import { FORMULA_COMPANY_NAME, ROOT_COMPANY_NAME, type SeedSummary, seedCompanies } from './index.js';

const TODAY = '2026-03-15';
const COMPANIES = 400;

const allRows = (db: Db) => db.selectFrom('companies').selectAll().orderBy('id').execute();

describe.each(DATABASE_KINDS)('seedCompanies on %s', (kind) => {
  let database: TestDatabase;
  let storage: Storage;
  let summary: SeedSummary;
  let rows: Awaited<ReturnType<typeof allRows>>;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    summary = await seedCompanies(database.location, { companies: COMPANIES, seed: 7, today: TODAY });
    storage = await openStorage(database.location);
    rows = await allRows(storage.db);
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  it('writes exactly the companies asked for, under one root named Lapse Platform', () => {
    expect(rows).toHaveLength(COMPANIES);
    const roots = rows.filter((row) => row.parent_id === null);
    expect(roots.map((row) => [row.name, row.depth, row.path, row.reseller_name])).toEqual([
      [ROOT_COMPANY_NAME, 0, `/${summary.rootResourceId}/`, null],
    ]);
  });

  it('gives every company a unique 12-character resource id', () => {
    expect(rows.every((row) => /^[A-Za-z0-9]{12}$/.test(row.resource_id))).toBe(true);
    expect(new Set(rows.map((row) => row.resource_id)).size).toBe(rows.length);
  });

  it('keeps paths, depths, reseller names and folded columns consistent', async () => {
    expect(await findTreeInconsistencies(storage.db)).toEqual([]);
  });

  it('copies industry and licence type names from the catalogue tables', async () => {
    const industries = new Map(
      (await storage.db.selectFrom('industries').selectAll().execute()).map((entry) => [entry.resource_id, entry.name]),
    );
    const licenseTypes = new Map(
      (await storage.db.selectFrom('license_types').selectAll().execute()).map((entry) => [
        entry.resource_id,
        entry.name,
      ]),
    );
    expect(industries.size).toBe(15);
    expect(licenseTypes.size).toBe(5);
    for (const row of rows) {
      if (row.industry_resource_id !== null) expect(row.industry_name).toBe(industries.get(row.industry_resource_id));
      if (row.license_type_resource_id !== null) {
        expect(row.license_type_name).toBe(licenseTypes.get(row.license_type_resource_id));
      }
    }
    expect(rows.some((row) => row.industry_resource_id === null)).toBe(true);
  });

  it('builds resellers, sub-resellers and customers at depth 3 and below', () => {
    const topLevel = rows.filter((row) => row.depth === 1);
    expect(topLevel.length).toBeGreaterThanOrEqual(3);
    expect(new Set(topLevel.map((row) => row.name)).size).toBe(topLevel.length);
    expect(summary.resellers.map((reseller) => reseller.resourceId)).toEqual(topLevel.map((row) => row.resource_id));
    expect(rows.some((row) => row.depth >= 3)).toBe(true);
    const deep = rows.find((row) => row.resource_id === summary.deepCompanyResourceId);
    expect(deep?.depth).toBeGreaterThanOrEqual(3);
    for (const reseller of summary.resellers) {
      const prefix = rows.find((row) => row.resource_id === reseller.resourceId)?.path ?? '?';
      const below = rows.filter((row) => isInSubtree(row.path, prefix, false));
      expect(below.length).toBe(reseller.descendantCount);
    }
  });

  it('spreads renewal dates around today: ~30% expired, some today, some within 30 days, some open-ended', () => {
    const days = rows.map((row) => (row.license_end_at === null ? null : dayOf(row.license_end_at)));
    const expired = days.filter((day) => day !== null && day < TODAY).length;
    expect(expired / rows.length).toBeGreaterThan(0.22);
    expect(expired / rows.length).toBeLessThan(0.38);
    expect(days.filter((day) => day === TODAY).length).toBeGreaterThan(0);
    expect(days.filter((day) => day !== null && day > TODAY && day <= '2026-04-14').length).toBeGreaterThan(0);
    expect(days.filter((day) => day === null).length).toBeGreaterThan(0);
    expect(days.some((day) => day !== null && day < '2024-03-15')).toBe(false); // two years back
    expect(summary.counts.expired).toBe(expired);
    expect(summary.counts.openEnded).toBe(days.filter((day) => day === null).length);
  });

  it('spreads the coming renewals through the year (docs/seed-renewals.md), not on today', () => {
    const days = rows.flatMap((row) => (row.license_end_at === null ? [] : [dayOf(row.license_end_at)]));
    expect(days.filter((day) => day === TODAY).length / rows.length).toBeLessThan(0.01);
    // The twelve months from TODAY's: each holds a similar share, about 4.5% of all companies.
    const shares = Array.from({ length: 12 }, (_, index) => {
      const month = shiftMonth(monthOf(TODAY), index);
      return days.filter((day) => day >= TODAY && monthOf(day) === month).length / rows.length;
    });
    for (const share of shares.slice(1)) {
      expect(share).toBeGreaterThan(0.02);
      expect(share).toBeLessThan(0.08);
    }
    expect(shares[0]).toBeLessThan(0.08);
    // Most lapses are recent: more in the last 90 days than in the whole year before the last one.
    const since = (from: string, before: string) => days.filter((day) => day >= from && day < before).length;
    expect(since('2025-12-15', TODAY)).toBeGreaterThan(since('2024-03-15', '2025-03-15'));
  });

  it('stores some renewal instants off UTC midnight, including 23:30Z', () => {
    const times = rows.flatMap((row) => (row.license_end_at === null ? [] : [row.license_end_at % 86_400_000]));
    expect(times.filter((ms) => ms === 0).length / times.length).toBeGreaterThan(0.7);
    expect(times).toContain((23 * 60 + 30) * 60_000);
  });

  it('has limited, unlimited and over-limit licences and created dates in the past', () => {
    const overLimit = rows.filter(
      (row) => row.is_number_of_users_limited === 1 && row.target_user_count > row.number_of_users,
    );
    expect(overLimit.length).toBeGreaterThan(0);
    expect(summary.counts.overLimit).toBe(overLimit.length);
    expect(rows.some((row) => row.is_number_of_users_limited === 0)).toBe(true);
    expect(rows.every((row) => row.created_at < Date.parse(`${TODAY}T00:00:00Z`))).toBe(true);
  });

  it('includes the names an export must survive', () => {
    const names = rows.map((row) => row.name);
    expect(names.filter((name) => name === FORMULA_COMPANY_NAME)).toHaveLength(1);
    expect(rows.find((row) => row.name === FORMULA_COMPANY_NAME)?.resource_id).toBe(summary.formulaCompanyResourceId);
    for (const pattern of [/[éüøßÅñ]/i, /,/, /"/, /\n/, /^=/, /^\+/, /^-/, /^@/]) {
      expect(
        names.some((name) => pattern.test(name)),
        String(pattern),
      ).toBe(true);
    }
  });

  it("records each company's monthly active users for the 24 months before today's month, from its creation on", async () => {
    const usage = await storage.db.selectFrom('monthly_usage').selectAll().execute();
    const months = [...new Set(usage.map((row) => row.month))].sort();
    expect(months).toEqual(Array.from({ length: 24 }, (_, index) => shiftMonth('2026-03', index - 24)));
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const row of usage) {
      const company = byId.get(row.company_id);
      expect(company).toBeDefined();
      expect(row.active_user_count).toBeGreaterThanOrEqual(0);
      expect(row.active_user_count).toBeLessThanOrEqual(company?.target_user_count ?? -1);
      // A month ending before the company was created has no row.
      expect(dayStartUtc(firstDayOfMonth(shiftMonth(row.month, 1)))).toBeGreaterThan(company?.created_at ?? 0);
    }
    expect(usage.length).toBeGreaterThan(rows.length * 20);
    const counts = usage.map((row) => row.active_user_count);
    expect(new Set(counts).size).toBeGreaterThan(50);
  });

  it('rebuilds the search indexes and refuses to seed a non-empty database without reset', async () => {
    const connection = connectDialect(database.location, { maxConnections: 1 });
    const names = await connection.adapter.indexNames(connection.db as Kysely<unknown>, 'companies');
    await connection.close();
    for (const index of Object.keys(SEARCH_INDEXES)) expect(names).toContain(index);
    await expect(seedCompanies(database.location, { companies: 10, seed: 7, today: TODAY })).rejects.toThrow(/--reset/);
    const count = await storage.db
      .selectFrom('companies')
      .select(storage.db.fn.countAll<number>().as('n'))
      .executeTakeFirst();
    expect(count?.n).toBe(COMPANIES);
  });
});

describe('seedCompanies determinism', () => {
  const databases: TestDatabase[] = [];
  const seeded = async (seed: number, companies = 150, today = TODAY) => {
    const database = await createTestDatabase('sqlite');
    databases.push(database);
    const summary = await seedCompanies(database.location, { companies, seed, today });
    const storage = await openStorage(database.location);
    try {
      const usage = await storage.db.selectFrom('monthly_usage').selectAll().orderBy(['company_id', 'month']).execute();
      return { summary, rows: await allRows(storage.db), usage, database };
    } finally {
      await storage.close();
    }
  };
  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  it('writes identical rows for the same companies, seed and today', async () => {
    const first = await seeded(11);
    const second = await seeded(11);
    expect(second.rows).toEqual(first.rows);
    expect(second.usage).toEqual(first.usage);
    expect(second.summary).toEqual(first.summary);
  });

  it('writes different rows for another seed', async () => {
    const first = await seeded(11);
    const other = await seeded(12);
    expect(other.rows.map((row) => row.resource_id)).not.toEqual(first.rows.map((row) => row.resource_id));
  });

  it('replaces everything, credentials included, with reset', async () => {
    const { database } = await seeded(3, 60);
    const storage = await openStorage(database.location);
    try {
      const root = await storage.db
        .selectFrom('companies')
        .select('id')
        .where('depth', '=', 0)
        .executeTakeFirstOrThrow();
      await storage.db
        .insertInto('credentials')
        .values({ client_id: 'c1', secret_hash: 'x', role: 'Root', company_id: root.id, is_disabled: 0, created_at: 0 })
        .execute();
      await seedCompanies(database.location, { companies: 80, seed: 4, today: TODAY, reset: true });
      const count = await storage.db
        .selectFrom('companies')
        .select(storage.db.fn.countAll<number>().as('n'))
        .executeTakeFirst();
      expect(count?.n).toBe(80);
      expect(await storage.db.selectFrom('credentials').selectAll().execute()).toEqual([]);
      const ids = await storage.db.selectFrom('companies').select('id').execute();
      const usageIds = await storage.db.selectFrom('monthly_usage').select('company_id').distinct().execute();
      expect(usageIds.every(({ company_id }) => ids.some(({ id }) => id === company_id))).toBe(true);
    } finally {
      await storage.close();
    }
  });

  it('still has several resellers, a sub-reseller level and a depth-3 company at 60 companies', async () => {
    const { rows, summary } = await seeded(5, 60);
    expect(summary.resellers.length).toBeGreaterThanOrEqual(3);
    expect(rows.some((row) => row.depth === 2 && rows.some((child) => child.parent_id === row.id))).toBe(true);
    expect(rows.some((row) => row.depth === 3)).toBe(true);
  });
});
