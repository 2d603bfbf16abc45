// contract §4 MonthlyActiveUser: each company's monthly active users per month, keyed so a search's month lookup
// (one company, one month) is one index seek; and the index behind orderBy Tags.
import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect.js';
import { createSearchIndexes } from '../search-indexes.js';

export async function up(db: Kysely<unknown>, adapter: DialectAdapter): Promise<void> {
  await db.schema
    .createTable('monthly_usage')
    .addColumn('company_id', 'integer', (c) => c.notNull().references('companies.id').onDelete('cascade'))
    .addColumn('month', adapter.byteOrderedText, (c) => c.notNull())
    .addColumn('active_user_count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('monthly_usage_company_month', ['company_id', 'month'])
    // The lookup reads the count from the key's own index, and the seed writes one tree instead of two.
    .modifyEnd(adapter.clusteredByPrimaryKey)
    .execute();
  await createSearchIndexes(db, adapter);
}
