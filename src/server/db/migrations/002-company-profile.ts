// The company profile fields of the vendor's CompanyDto (contract §6): country, licence period, status, modules,
// date and time formats, description. All may be empty, so existing rows need no values.
import type { Kysely } from 'kysely';
import type { DialectAdapter } from '../dialect.js';

export async function up(db: Kysely<unknown>, adapter: DialectAdapter): Promise<void> {
  const text = adapter.byteOrderedText;
  const columns = [
    'description',
    'country_resource_id',
    'country_name',
    'country_code',
    'license_period_type_resource_id',
    'license_period_type_name',
    'status_name',
    'date_format',
    'time_format',
  ];
  for (const column of columns) await db.schema.alterTable('companies').addColumn(column, text).execute();
  await db.schema.alterTable('companies').addColumn('status_id', 'integer').execute();
  await db.schema
    .alterTable('companies')
    .addColumn('license_modules', text, (c) => c.notNull().defaultTo('[]'))
    .execute();
}
