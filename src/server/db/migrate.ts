// Schema migrations, applied at start-up on either database.
import { type Kysely, type Migration, Migrator } from 'kysely';
import type { DialectAdapter } from './dialect.js';
import * as initial from './migrations/001-initial.js';
import * as companyProfile from './migrations/002-company-profile.js';
import * as signingKeyRing from './migrations/003-signing-key-ring.js';
import * as monthlyUsage from './migrations/004-monthly-usage.js';
import * as companyWrites from './migrations/005-company-writes.js';

const MIGRATIONS = {
  '001-initial': initial,
  '002-company-profile': companyProfile,
  '003-signing-key-ring': signingKeyRing,
  '004-monthly-usage': monthlyUsage,
  '005-company-writes': companyWrites,
};

/** Every migration, in the order they apply. */
export const MIGRATION_NAMES = Object.keys(MIGRATIONS);

async function applyMigrations(db: Kysely<unknown>, adapter: DialectAdapter): Promise<void> {
  const migrations: Record<string, Migration> = Object.fromEntries(
    Object.entries(MIGRATIONS).map(([name, module]) => [name, { up: (db: Kysely<unknown>) => module.up(db, adapter) }]),
  );
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

export async function migrateToLatest(db: Kysely<unknown>, adapter: DialectAdapter): Promise<void> {
  await adapter.withMigrationLock(db, (lockedDb) => applyMigrations(lockedDb, adapter));
}
