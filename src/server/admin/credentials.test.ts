import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../../test/support/databases.js';
import { verifySecret } from '../auth/index.js';
import { openStorage, type Storage } from '../db/index.js';
import { createCompany, createCredential, disableCredential, listCredentials } from './index.js';

const NOW = Date.UTC(2026, 2, 15, 12);

describe.each(DATABASE_KINDS)('credential admin on %s', (kind) => {
  let database: TestDatabase;
  let storage: Storage;
  let rootId: string;
  let resellerId: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    storage = await openStorage(database.location);
    rootId = (await createCompany(storage.db, { name: 'Lapse Platform', parent: null })).resourceId;
    resellerId = (await createCompany(storage.db, { name: 'Nordic IT Partners', parent: rootId })).resourceId;
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  it('creates a credential by company name and stores only a scrypt hash of its secret', async () => {
    const created = await createCredential(
      storage.db,
      { company: 'Nordic IT Partners', role: 'Reseller', description: 'billing' },
      NOW,
    );
    expect(created).toMatchObject({
      role: 'Reseller',
      companyResourceId: resellerId,
      companyName: 'Nordic IT Partners',
    });
    const stored = await storage.db
      .selectFrom('credentials')
      .selectAll()
      .where('client_id', '=', created.clientId)
      .executeTakeFirstOrThrow();
    expect(stored.secret_hash).toMatch(/^scrypt\$/);
    expect(stored.secret_hash).not.toContain(created.clientSecret);
    expect(await verifySecret(created.clientSecret, stored.secret_hash)).toBe(true);
    expect(await verifySecret(`${created.clientSecret}x`, stored.secret_hash)).toBe(false);
    expect(stored).toMatchObject({ role: 'Reseller', is_disabled: 0, created_at: NOW, description: 'billing' });
  });

  it('lists credentials without secrets or hashes', async () => {
    const created = await createCredential(storage.db, { company: rootId, role: 'Root' }, NOW + 1);
    const listed = await listCredentials(storage.db);
    const mine = listed.find((credential) => credential.clientId === created.clientId);
    expect(mine).toEqual({
      clientId: created.clientId,
      role: 'Root',
      companyResourceId: rootId,
      companyName: 'Lapse Platform',
      isDisabled: false,
      createdAt: new Date(NOW + 1).toISOString(),
      description: null,
    });
    const hashes = await storage.db.selectFrom('credentials').select('secret_hash').execute();
    const text = JSON.stringify(listed);
    expect(text).not.toContain(created.clientSecret);
    for (const { secret_hash } of hashes) expect(text).not.toContain(secret_hash);
  });

  it('disables a credential, and names an unknown client id', async () => {
    const created = await createCredential(storage.db, { company: resellerId, role: 'Company Admin' });
    expect((await disableCredential(storage.db, created.clientId)).isDisabled).toBe(true);
    const stored = await storage.db
      .selectFrom('credentials')
      .select('is_disabled')
      .where('client_id', '=', created.clientId)
      .executeTakeFirst();
    expect(stored?.is_disabled).toBe(1);
    await expect(disableCredential(storage.db, 'lapse_nope')).rejects.toThrow(
      /No credential has the client id "lapse_nope"/,
    );
  });

  it('refuses an unknown role, an unknown company and Root outside the platform root', async () => {
    await expect(createCredential(storage.db, { company: resellerId, role: 'Admin' })).rejects.toThrow(
      /Role must be one of/,
    );
    await expect(createCredential(storage.db, { company: 'Nobody', role: 'Reseller' })).rejects.toThrow(/No company/);
    await expect(createCredential(storage.db, { company: resellerId, role: 'Root' })).rejects.toThrow(/platform root/);
  });
});
