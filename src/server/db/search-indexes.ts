// The indexes searches walk. The schema's first migration creates them; bulk loads (seed, copy) drop them and
// build them again after the insert, which is faster than keeping them up to date row by row.
import { type Kysely, sql } from 'kysely';
import type { DialectAdapter } from './dialect.js';

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
  companies_order_tags: ['tags_folded', 'resource_id'],
  companies_order_license_end: ['license_end_at*', 'resource_id', 'is_over_limit'],
  companies_order_created: ['created_at', 'resource_id'],
};

export async function createSearchIndexes(db: Kysely<unknown>, adapter: DialectAdapter): Promise<void> {
  for (const [name, columns] of Object.entries(SEARCH_INDEXES)) {
    // A trailing * marks a nullable column: contract §4 puts nulls first ascending, last descending.
    const list = columns
      .map((column) => (column.endsWith('*') ? adapter.nullsFirstIndexColumn(column.slice(0, -1)) : column))
      .join(', ');
    await sql`create index if not exists ${sql.raw(name)} on companies (${sql.raw(list)})`.execute(db);
  }
}

export async function dropSearchIndexes(db: Kysely<unknown>): Promise<void> {
  for (const name of Object.keys(SEARCH_INDEXES)) await sql`drop index if exists ${sql.raw(name)}`.execute(db);
}
