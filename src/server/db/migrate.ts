// Schema migrations, applied at start-up on either database.
import { type Kysely, type Migration, Migrator, sql } from 'kysely';
import type { DialectTraits } from './dialect.js';
import * as initial from './migrations/001-initial.js';
import * as companyProfile from './migrations/002-company-profile.js';

const MIGRATIONS = { '001-initial': initial, '002-company-profile': companyProfile };

/** Every migration, in the order they apply. */
export const MIGRATION_NAMES = Object.keys(MIGRATIONS);

/** pg_advisory_lock key held while migrating ('lapse' in ASCII); any bigint other tools do not use. */
const MIGRATION_LOCK_KEY = 0x6c61707365n;

async function applyMigrations(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  const migrations: Record<string, Migration> = Object.fromEntries(
    Object.entries(MIGRATIONS).map(([name, module]) => [name, { up: (db: Kysely<unknown>) => module.up(db, traits) }]),
  );
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

export async function migrateToLatest(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  if (traits.name !== 'postgres') return applyMigrations(db, traits);
  // Several instances may start at once on one empty database. Kysely's own lock is taken only after it has
  // created its bookkeeping tables, and concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL's
  // catalogue, so the whole run is serialised by a session lock on one connection.
  await db.connection().execute(async (connection) => {
    await sql`select pg_advisory_lock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(connection);
    try {
      await applyMigrations(connection, traits);
    } finally {
      await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(connection);
    }
  });
}
