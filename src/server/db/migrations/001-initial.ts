import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect.js';
import { overLimitSql } from '../licence-sql.js';
import { createSearchIndexes } from '../search-indexes.js';

export async function up(db: Kysely<unknown>, adapter: DialectAdapter): Promise<void> {
  const text = adapter.byteOrderedText;
  const catalogue = (name: string) =>
    db.schema
      .createTable(name)
      .addColumn('resource_id', text, (c) => c.primaryKey())
      .addColumn('name', text, (c) => c.notNull())
      .execute();
  await catalogue('industries');
  await catalogue('license_types');

  await db.schema
    .createTable('companies')
    .addColumn('id', 'integer', adapter.identityPrimaryKey)
    .addColumn('resource_id', text, (c) => c.notNull().unique())
    .addColumn('name', text, (c) => c.notNull())
    .addColumn('name_folded', text, (c) => c.notNull())
    .addColumn('parent_id', 'integer', (c) => c.references('companies.id'))
    .addColumn('path', text, (c) => c.notNull())
    .addColumn('depth', 'integer', (c) => c.notNull())
    .addColumn('reseller_name', text)
    .addColumn('reseller_name_folded', text)
    .addColumn('industry_resource_id', text)
    .addColumn('industry_name', text)
    .addColumn('industry_name_folded', text)
    .addColumn('license_type_resource_id', text)
    .addColumn('license_type_name', text)
    .addColumn('license_type_name_folded', text)
    .addColumn('is_number_of_users_limited', 'integer', (c) => c.notNull())
    .addColumn('number_of_users', 'integer', (c) => c.notNull())
    .addColumn('license_start_at', 'bigint')
    .addColumn('license_end_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('target_user_count', 'integer', (c) => c.notNull())
    .addColumn('inactive_target_user_count', 'integer', (c) => c.notNull())
    .addColumn('deleted_target_user_count', 'integer', (c) => c.notNull())
    .addColumn('monthly_active_user_count', 'integer', (c) => c.notNull())
    .addColumn('tags', text, (c) => c.notNull())
    .addColumn('tags_folded', text, (c) => c.notNull())
    .addColumn('privacy_duration_id', 'integer', (c) => c.notNull())
    .addColumn('time_zone_id', text)
    // contract §4 "over the licence limit", derived by the database so no writer can get it wrong; stored so
    // the renewal-date index can carry it and count the over-limit companies without reading the rows.
    .addColumn('is_over_limit', 'integer', (c) => adapter.storedGeneratedColumn(overLimitSql)(c.notNull()))
    .execute();

  await db.schema
    .createTable('credentials')
    .addColumn('client_id', text, (c) => c.primaryKey())
    .addColumn('secret_hash', text, (c) => c.notNull())
    .addColumn('role', text, (c) => c.notNull())
    .addColumn('company_id', 'integer', (c) => c.notNull().references('companies.id'))
    .addColumn('is_disabled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('description', text)
    .execute();

  await db.schema
    .createTable('signing_keys')
    .addColumn('kid', text, (c) => c.primaryKey())
    .addColumn('private_jwk', text, (c) => c.notNull())
    .addColumn('public_jwk', text, (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('rate_limit_buckets')
    .addColumn('bucket_key', text, (c) => c.primaryKey())
    .addColumn('tokens', 'double precision', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await createSearchIndexes(db, adapter);
}
