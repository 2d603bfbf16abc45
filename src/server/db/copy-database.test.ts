import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, insertCompanies, type TestDatabase } from '../../../test/support/databases.js';
import { CopyRefusedError, copyDatabase } from './copy-database.js';
import { connectDialect } from './dialect.js';
import { SEARCH_INDEXES } from './search-indexes.js';
import { type Db, openStorage } from './storage.js';

/** A little of everything the copy must carry unchanged: nulls, accents, quotes, line breaks, fractions. */
async function fillSource(db: Db): Promise<void> {
  await db
    .insertInto('industries')
    .values([
      { resource_id: 'ind000000001', name: 'Énergie & "Utilities"' },
      { resource_id: 'ind000000002', name: 'Retail\nwholesale' },
      // What COPY's text format escapes, and its null marker as plain text.
      { resource_id: 'ind000000003', name: 'back\\slash\ttab\r\n\\N \\. end' },
      { resource_id: 'ind000000004', name: '\\N' },
    ])
    .execute();
  await db.insertInto('license_types').values({ resource_id: 'lic000000001', name: 'Enterprise' }).execute();
  const companies = Array.from({ length: 40 }, (_, index) => ({
    resourceId: `cust${String(index).padStart(8, '0')}`,
    parentResourceId: index < 4 ? 'reseller0001' : `cust${String(index % 4).padStart(8, '0')}`,
    name: index % 3 === 0 ? `Ünïcode ${index} 🚀` : `Customer ${index}`,
    industry_resource_id: index % 2 === 0 ? 'ind000000001' : null,
    industry_name: index % 2 === 0 ? 'Énergie & "Utilities"' : null,
    license_end_at: index % 5 === 0 ? null : Date.UTC(2026, index % 12, 1 + index),
    tags: index % 4 === 0 ? ['gold', 'Café'] : [],
    // Over the licence limit of 100 now and then, so the generated is_over_limit column varies.
    target_user_count: index % 7 === 0 ? 150 : 10,
  }));
  await insertCompanies(db, [
    { resourceId: 'root00000000' },
    { resourceId: 'reseller0001', parentResourceId: 'root00000000', time_zone_id: 'Europe/Istanbul' },
    ...companies,
  ]);
  const reseller = await db
    .selectFrom('companies')
    .select('id')
    .where('resource_id', '=', 'reseller0001')
    .executeTakeFirstOrThrow();
  const customers = await db.selectFrom('companies').select('id').where('resource_id', 'like', 'cust%').execute();
  await db
    .insertInto('monthly_usage')
    .values(
      customers.flatMap(({ id }) =>
        ['2026-09', '2026-10'].map((month, index) => ({ company_id: id, month, active_user_count: id * 3 + index })),
      ),
    )
    .execute();
  await db
    .insertInto('credentials')
    .values({
      client_id: 'client-1',
      secret_hash: 'scrypt$1$2$3$a$b',
      role: 'Reseller',
      company_id: reseller.id,
      is_disabled: 0,
      created_at: 1,
      description: null,
      resource_id: 'cred00000001',
      name: 'Billing script',
      has_ip_address_restriction: 1,
      allowed_ip_addresses: '["10.0.0.0/8"]',
    })
    .execute();
  await db
    .insertInto('company_audit')
    .values({
      company_resource_id: 'reseller0001',
      action: 'update',
      client_id: 'client-1',
      caller_company_resource_id: 'root00000000',
      at: 4,
      changes: '{"name":{"from":"a","to":"b"}}',
    })
    .execute();
  await db
    .insertInto('signing_keys')
    .values({ kid: 'k1', private_jwk: '{"d":"x"}', public_jwk: '{"x":"y"}', created_at: 2 })
    .execute();
  // Floating-point values whose shortest texts differ between JavaScript and PostgreSQL (1e-7, 1e+21).
  await db
    .insertInto('rate_limit_buckets')
    .values([
      { bucket_key: 'client-1', tokens: 599.375, updated_at: 3 },
      { bucket_key: 'client-2', tokens: 1e-7, updated_at: 4 },
      { bucket_key: 'client-3', tokens: 0.1 + 0.2, updated_at: 5 },
      { bucket_key: 'client-4', tokens: 1e21, updated_at: 6 },
    ])
    .execute();
}

const TABLE_KEYS = {
  industries: 'resource_id',
  license_types: 'resource_id',
  companies: 'id',
  monthly_usage: ['company_id', 'month'],
  credentials: 'client_id',
  signing_keys: 'kid',
  rate_limit_buckets: 'bucket_key',
  company_audit: 'id',
} as const;

async function readEverything(location: string) {
  const storage = await openStorage(location);
  try {
    const tables: Record<string, unknown[]> = {};
    for (const [table, key] of Object.entries(TABLE_KEYS)) {
      tables[table] = await storage.db
        .selectFrom(table as keyof typeof TABLE_KEYS)
        .selectAll()
        .orderBy((Array.isArray(key) ? key : [key]) as never)
        .execute();
    }
    return tables;
  } finally {
    await storage.close();
  }
}

async function listIndexes(location: string): Promise<string[]> {
  const connection = connectDialect(location, { maxConnections: 1 });
  try {
    return await connection.adapter.indexNames(connection.db as Kysely<unknown>, 'companies');
  } finally {
    await connection.close();
  }
}

describe('copyDatabase from SQLite to PostgreSQL and back', () => {
  const databases: TestDatabase[] = [];
  let source: TestDatabase;
  let middle: TestDatabase;
  let final: TestDatabase;

  beforeAll(async () => {
    [source, middle, final] = await Promise.all([
      createTestDatabase('sqlite'),
      createTestDatabase('postgres'),
      createTestDatabase('sqlite'),
    ]);
    databases.push(source, middle, final);
    const storage = await openStorage(source.location);
    await fillSource(storage.db);
    await storage.close();
  });

  afterAll(async () => {
    await Promise.all(databases.map((database) => database.drop()));
  });

  it('copies every row and verifies each table on the way there and back', async () => {
    const there = await copyDatabase(source.location, middle.location, { batchSize: 7 });
    const back = await copyDatabase(middle.location, final.location, { batchSize: 7 });
    for (const report of [there, back]) {
      expect(report.matches).toBe(true);
      expect(report.tables.map((table) => [table.table, table.sourceRows, table.targetRows])).toEqual([
        ['industries', 4, 4],
        ['license_types', 1, 1],
        ['companies', 42, 42],
        ['monthly_usage', 80, 80],
        ['credentials', 1, 1],
        ['signing_keys', 1, 1],
        ['rate_limit_buckets', 4, 4],
        ['company_audit', 1, 1],
      ]);
    }
    // The checksum is computed the same way on both databases, so all three agree.
    expect(back.tables.map((table) => table.sourceChecksum)).toEqual(there.tables.map((table) => table.sourceChecksum));
    const copied = await readEverything(final.location);
    expect(copied).toEqual(await readEverything(source.location));
    expect(
      copied.companies?.filter((company) => (company as { is_over_limit: number }).is_over_limit === 1),
    ).toHaveLength(6);
  });

  it('rebuilds the search indexes and continues company ids after the copied ones', async () => {
    for (const location of [middle.location, final.location]) {
      expect(await listIndexes(location)).toEqual(expect.arrayContaining(Object.keys(SEARCH_INDEXES)));
      const storage = await openStorage(location);
      try {
        const [id] = (await insertCompanies(storage.db, [{ resourceId: 'newcompany01' }])).values();
        expect(id).toBe(43);
      } finally {
        await storage.close();
      }
    }
  });

  it('refuses a target that already holds rows', async () => {
    await expect(copyDatabase(source.location, middle.location)).rejects.toThrow(
      new CopyRefusedError(`the target ${middle.location} is not empty (table industries has rows)`),
    );
  });

  it('keeps nothing in the target when a row cannot be copied, so the copy can simply be run again', async () => {
    const faulty = await createTestDatabase('sqlite');
    const target = await createTestDatabase('postgres');
    databases.push(faulty, target);
    const storage = await openStorage(faulty.location);
    await fillSource(storage.db);
    // PostgreSQL text cannot hold a NUL: the signing keys, copied after the companies, fail.
    await storage.db.updateTable('signing_keys').set({ public_jwk: '{"x":"\u0000"}' }).execute();
    await expect(copyDatabase(faulty.location, target.location)).rejects.toThrow();
    const left = await readEverything(target.location);
    expect(Object.values(left).map((rows) => rows.length)).toEqual(Object.keys(TABLE_KEYS).map(() => 0));

    await storage.db.updateTable('signing_keys').set({ public_jwk: '{"x":"y"}' }).execute();
    await storage.close();
    const report = await copyDatabase(faulty.location, target.location);
    expect(report.matches).toBe(true);
    expect(await readEverything(target.location)).toEqual(await readEverything(faulty.location));
  });

  it('refuses a source file that does not exist, without creating it', async () => {
    const missing = `${source.location}.missing`;
    const target = await createTestDatabase('sqlite');
    databases.push(target);
    await expect(copyDatabase(missing, target.location)).rejects.toThrow(/does not exist/);
    await expect(copyDatabase(source.location, source.location)).rejects.toThrow(/same database/);
  });
});
