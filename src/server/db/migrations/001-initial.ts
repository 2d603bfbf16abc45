import { type Kysely, sql } from 'kysely';
import type { DialectTraits } from '../dialect.js';

export async function up(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  const text = traits.byteOrderedText;
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
    .addColumn('id', 'integer', (c) =>
      traits.name === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    )
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
    .addColumn('is_over_limit', 'integer', (c) =>
      c
        .notNull()
        .generatedAlwaysAs(
          sql`case when is_number_of_users_limited = 1 and target_user_count > number_of_users then 1 else 0 end`,
        )
        .stored(),
    )
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

  await createSearchIndexes(db, traits);
}

/** Indexes that serve every orderBy (tie-broken by resource id), the subtree range and the renewal filters. */
export const SEARCH_INDEXES: Record<string, string[]> = {
  companies_path: ['path'],
  companies_parent: ['parent_id'],
  companies_order_name: ['name_folded', 'resource_id'],
  companies_order_reseller: ['reseller_name_folded*', 'resource_id'],
  companies_order_industry: ['industry_name_folded*', 'resource_id'],
  companies_order_license_type: ['license_type_name_folded*', 'resource_id'],
  companies_order_target_users: ['target_user_count', 'resource_id'],
  companies_order_number_of_users: ['number_of_users', 'resource_id'],
  companies_order_monthly_users: ['monthly_active_user_count', 'resource_id'],
  companies_order_license_end: ['license_end_at*', 'resource_id', 'is_over_limit'],
  companies_order_created: ['created_at', 'resource_id'],
};

/** Separate so bulk loads (seed, migrate) can drop and rebuild them around the insert. */
export async function createSearchIndexes(db: Kysely<unknown>, traits: DialectTraits): Promise<void> {
  for (const [name, columns] of Object.entries(SEARCH_INDEXES)) {
    // A trailing * marks a nullable column: contract §4 puts nulls first ascending, last descending.
    const list = columns
      .map((column) => (column.endsWith('*') ? traits.nullsFirstIndexColumn(column.slice(0, -1)) : column))
      .join(', ');
    await sql`create index if not exists ${sql.raw(name)} on companies (${sql.raw(list)})`.execute(db);
  }
}

export async function dropSearchIndexes(db: Kysely<unknown>): Promise<void> {
  for (const name of Object.keys(SEARCH_INDEXES)) await sql`drop index if exists ${sql.raw(name)}`.execute(db);
}
