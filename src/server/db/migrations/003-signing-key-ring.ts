// The signing key ring: a key may be held outside the database (only its public half is stored), a rotation
// retires the key it replaces (it verifies for one token lifetime more), and a revoked key verifies nothing.
// SQLite cannot drop a NOT NULL constraint, so the table is rebuilt on either database.
import { type Kysely, sql } from 'kysely';
import type { DialectAdapter } from '../dialect.js';

export async function up(db: Kysely<unknown>, adapter: DialectAdapter): Promise<void> {
  const text = adapter.byteOrderedText;
  await db.schema
    .createTable('signing_keys_ring')
    .addColumn('kid', text, (c) => c.primaryKey())
    .addColumn('private_jwk', text)
    .addColumn('public_jwk', text, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('retired_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await sql`insert into signing_keys_ring (kid, private_jwk, public_jwk, created_at)
    select kid, private_jwk, public_jwk, created_at from signing_keys`.execute(db);
  await db.schema.dropTable('signing_keys').execute();
  await db.schema.alterTable('signing_keys_ring').renameTo('signing_keys').execute();
}
