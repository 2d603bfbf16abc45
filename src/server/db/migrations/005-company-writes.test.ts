// Migration 005 on a database that already holds credentials (made before it): each gets a resource id of its
// own, unrestricted addresses, and keeps working; on both databases.
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../../../test/support/databases.js';
import { connectDialect } from '../dialect.js';
import { openStorage } from '../storage.js';
import * as initial from './001-initial.js';
import * as companyProfile from './002-company-profile.js';
import * as signingKeyRing from './003-signing-key-ring.js';

describe.each(DATABASE_KINDS)('migration 005 over existing credentials on %s', (kind) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const connection = connectDialect(database.location, { maxConnections: 1 });
    const db = connection.db as unknown as Kysely<unknown>;
    const before: Record<string, Migration> = Object.fromEntries(
      Object.entries({
        '001-initial': initial,
        '002-company-profile': companyProfile,
        '003-signing-key-ring': signingKeyRing,
      }).map(([name, module]) => [name, { up: (trx: Kysely<unknown>) => module.up(trx, connection.adapter) }]),
    );
    const { error } = await new Migrator({ db, provider: { getMigrations: async () => before } }).migrateToLatest();
    if (error) throw error;
    await sql`insert into companies (resource_id, name, name_folded, path, depth, is_number_of_users_limited,
      number_of_users, created_at, target_user_count, inactive_target_user_count, deleted_target_user_count,
      monthly_active_user_count, tags, tags_folded, privacy_duration_id)
      values ('root00000000', 'Root', 'root', '/root00000000/', 0, 0, 0, 0, 0, 0, 0, 0, '[]', '', 1)`.execute(db);
    for (const clientId of ['old-a', 'old-b']) {
      await sql`insert into credentials (client_id, secret_hash, role, company_id, is_disabled, created_at)
        values (${clientId}, 'scrypt$1$1$1$a$b', 'Root', 1, 0, 0)`.execute(db);
    }
    await connection.close();
  });
  afterAll(() => database?.drop());

  it('gives each credential its own resource id and no address restriction', async () => {
    const storage = await openStorage(database.location, { maxConnections: 1 });
    try {
      const rows = await storage.db
        .selectFrom('credentials')
        .select(['client_id', 'resource_id', 'has_ip_address_restriction', 'allowed_ip_addresses'])
        .orderBy('client_id')
        .execute();
      expect(rows.map((row) => row.client_id)).toEqual(['old-a', 'old-b']);
      for (const row of rows) {
        expect(row.resource_id).toMatch(/^[A-Za-z0-9]{12}$/);
        expect(row).toMatchObject({ has_ip_address_restriction: 0, allowed_ip_addresses: '[]' });
      }
      expect(rows[0]?.resource_id).not.toBe(rows[1]?.resource_id);
      expect(await storage.db.selectFrom('company_audit').selectAll().execute()).toEqual([]);
    } finally {
      await storage.close();
    }
  });
});
