import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../../test/support/databases.js';
import { findTreeInconsistencies } from '../../../test/support/tree-consistency.js';
import { openStorage, type Storage } from '../db/index.js';
import { AdminError, createCompany, updateCompany } from './index.js';

const NOW = Date.UTC(2026, 2, 15, 9, 30);

describe.each(DATABASE_KINDS)('company admin on %s', (kind) => {
  let database: TestDatabase;
  let storage: Storage;
  const ids: Record<string, string> = {};
  const company = (resourceId: string) =>
    storage.db.selectFrom('companies').selectAll().where('resource_id', '=', resourceId).executeTakeFirstOrThrow();

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    storage = await openStorage(database.location);
    const create = async (key: string, name: string, parent: string | null) => {
      ids[key] = (await createCompany(storage.db, { name, parent }, NOW)).resourceId;
    };
    await create('root', 'Lapse Platform', null);
    await create('alpha', 'Alpha Reseller', 'Lapse Platform');
    await create('beta', 'Beta Reseller', ids.root ?? '');
    await create('alphaSub', 'Alpha Sub Ünit', 'Alpha Reseller');
    await create('customer1', 'Customer One', ids.alphaSub ?? '');
    await create('customer2', 'Customer Two', ids.alphaSub ?? '');
    await create('betaCustomer', 'Beta Customer', 'Beta Reseller');
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  it('creates companies with path, depth, reseller name and folded columns filled', async () => {
    const customer = await company(ids.customer1 ?? '');
    expect(customer).toMatchObject({
      path: `/${ids.root}/${ids.alpha}/${ids.alphaSub}/${ids.customer1}/`,
      depth: 3,
      reseller_name: 'Alpha Sub Ünit',
      reseller_name_folded: 'alpha sub ünit',
      created_at: NOW,
      license_end_at: null,
    });
    expect(await findTreeInconsistencies(storage.db)).toEqual([]);
  });

  it('fills licence, catalogue and tag columns, adding a new industry name to the catalogue', async () => {
    const created = await createCompany(storage.db, {
      name: 'Éclair Foods',
      parent: ids.beta ?? '',
      industry: 'Bakery',
      licenseType: 'Enterprise',
      licenseEndDate: '2026-03-14T23:30:00Z',
      licenseStartDate: '2025-03-14',
      numberOfUsers: 50,
      targetUserCount: 60,
      tags: ['VIP', 'Übergang'],
      timeZoneId: 'Europe/Berlin',
    });
    const row = await company(created.resourceId);
    const industry = await storage.db
      .selectFrom('industries')
      .selectAll()
      .where('name', '=', 'Bakery')
      .executeTakeFirst();
    expect(industry?.resource_id).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(row).toMatchObject({
      name_folded: 'éclair foods',
      industry_resource_id: industry?.resource_id,
      industry_name: 'Bakery',
      industry_name_folded: 'bakery',
      license_type_name: 'Enterprise',
      license_type_name_folded: 'enterprise',
      license_end_at: Date.UTC(2026, 2, 14, 23, 30),
      license_start_at: Date.UTC(2025, 2, 14),
      is_number_of_users_limited: 1,
      number_of_users: 50,
      target_user_count: 60,
      tags: '["VIP","Übergang"]',
      tags_folded: '\u001fvip\u001fübergang\u001f',
      time_zone_id: 'Europe/Berlin',
    });
    // The same name again reuses the catalogue entry.
    const again = await createCompany(storage.db, { name: 'Bakery Two', parent: ids.beta ?? '', industry: 'bakery' });
    expect((await company(again.resourceId)).industry_resource_id).toBe(industry?.resource_id);
  });

  it('refuses a second root, an unknown reseller and bad values', async () => {
    await expect(createCompany(storage.db, { name: 'Another Root', parent: null })).rejects.toThrow(/needs a reseller/);
    await expect(createCompany(storage.db, { name: 'X', parent: 'Nobody Inc' })).rejects.toThrow(/No company/);
    await expect(
      createCompany(storage.db, { name: 'X', parent: ids.beta ?? '', licenseEndDate: '31/12/2026' }),
    ).rejects.toThrow(AdminError);
    await expect(
      createCompany(storage.db, { name: 'X', parent: ids.beta ?? '', licenseEndDate: '9999-12-31T23:30:00-01:00' }),
    ).rejects.toThrow(/years 0000 to 9999/);
    await expect(
      createCompany(storage.db, { name: 'X', parent: ids.beta ?? '', timeZoneId: 'Mars/Base' }),
    ).rejects.toThrow(/time zone/);
    await expect(
      createCompany(storage.db, { name: 'X', parent: ids.beta ?? '', resourceId: ids.alpha }),
    ).rejects.toThrow(/exists already/);
  });

  it('refuses a reseller name shared by two companies, naming them', async () => {
    await createCompany(storage.db, { name: 'Twin', parent: ids.alpha ?? '' });
    await createCompany(storage.db, { name: 'Twin', parent: ids.beta ?? '' });
    await expect(createCompany(storage.db, { name: 'Child', parent: 'Twin' })).rejects.toThrow(
      /2 companies are named "Twin"/,
    );
  });

  it('renaming a company renames the reseller name of its direct children', async () => {
    await updateCompany(storage.db, ids.alphaSub ?? '', { name: 'Alpha Süd' });
    expect(await company(ids.customer2 ?? '')).toMatchObject({
      reseller_name: 'Alpha Süd',
      reseller_name_folded: 'alpha süd',
    });
    expect((await company(ids.alphaSub ?? '')).name_folded).toBe('alpha süd');
    expect(await findTreeInconsistencies(storage.db)).toEqual([]);
  });

  it('moving a company rewrites the path and depth of its whole subtree', async () => {
    const moved = await updateCompany(storage.db, ids.alphaSub ?? '', { parent: ids.betaCustomer ?? '' });
    expect(moved).toMatchObject({ parentResourceId: ids.betaCustomer, resellerName: 'Beta Customer', depth: 3 });
    expect(await company(ids.customer1 ?? '')).toMatchObject({
      path: `/${ids.root}/${ids.beta}/${ids.betaCustomer}/${ids.alphaSub}/${ids.customer1}/`,
      depth: 4,
      reseller_name: 'Alpha Süd',
    });
    expect((await company(ids.alpha ?? '')).path).toBe(`/${ids.root}/${ids.alpha}/`);
    expect(await findTreeInconsistencies(storage.db)).toEqual([]);
  });

  it('refuses to move a company under itself or its own subtree, and the root anywhere', async () => {
    await expect(updateCompany(storage.db, ids.beta ?? '', { parent: ids.customer1 ?? '' })).rejects.toThrow(
      /below it/,
    );
    await expect(updateCompany(storage.db, ids.beta ?? '', { parent: ids.beta ?? '' })).rejects.toThrow(/under itself/);
    await expect(updateCompany(storage.db, ids.root ?? '', { parent: ids.beta ?? '' })).rejects.toThrow(/root/);
    expect((await company(ids.beta ?? '')).path).toBe(`/${ids.root}/${ids.beta}/`);
  });

  it('keeps a renewal instant when given its own day, and moves it to midnight for another day', async () => {
    const created = await createCompany(storage.db, {
      name: 'Late Renewal',
      parent: ids.alpha ?? '',
      licenseEndDate: '2026-05-01T23:30:00Z',
    });
    await updateCompany(storage.db, created.resourceId, { licenseEndDate: '2026-05-01', targetUserCount: 3 });
    expect((await company(created.resourceId)).license_end_at).toBe(Date.UTC(2026, 4, 1, 23, 30));
    await updateCompany(storage.db, created.resourceId, { licenseEndDate: '2026-05-02' });
    expect((await company(created.resourceId)).license_end_at).toBe(Date.UTC(2026, 4, 2));
    await updateCompany(storage.db, created.resourceId, { licenseEndDate: null });
    expect((await company(created.resourceId)).license_end_at).toBeNull();
  });

  it('the consistency check itself notices a stale copy', async () => {
    await storage.db
      .updateTable('companies')
      .set({ reseller_name: 'Stale' })
      .where('resource_id', '=', ids.customer2 ?? '')
      .execute();
    expect(await findTreeInconsistencies(storage.db)).toEqual([
      `${ids.customer2}.reseller_name is "Stale", not "Alpha Süd"`,
    ]);
    await updateCompany(storage.db, ids.customer2 ?? '', {});
    expect(await findTreeInconsistencies(storage.db)).toEqual([]);
  });
});
