// Writes over the API (contract §10): the audit trail of company writes, and what a customer API client carries
// beyond an operator's credential (a resource id, a name, an address restriction). A credential stays one row in
// one table whichever way it was made.
import { type Kysely, sql } from 'kysely';
import { randomResourceId } from '../../admin/resource-id.js';
import type { DialectAdapter } from '../dialect.js';

export async function up(db: Kysely<unknown>, adapter: DialectAdapter): Promise<void> {
  const text = adapter.byteOrderedText;
  await db.schema
    .createTable('company_audit')
    .addColumn('id', 'integer', adapter.identityPrimaryKey)
    .addColumn('company_resource_id', text, (c) => c.notNull())
    .addColumn('action', text, (c) => c.notNull())
    .addColumn('client_id', text, (c) => c.notNull())
    .addColumn('caller_company_resource_id', text, (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('changes', text, (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('company_audit_by_company')
    .on('company_audit')
    .columns(['company_resource_id', 'at'])
    .execute();

  await db.schema.alterTable('credentials').addColumn('resource_id', text).execute();
  await db.schema.alterTable('credentials').addColumn('name', text).execute();
  await db.schema
    .alterTable('credentials')
    .addColumn('has_ip_address_restriction', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('credentials')
    .addColumn('allowed_ip_addresses', text, (c) => c.notNull().defaultTo('[]'))
    .execute();
  const existing = await sql<{ client_id: string }>`select client_id from credentials`.execute(db);
  for (const row of existing.rows) {
    await sql`update credentials set resource_id = ${randomResourceId()} where client_id = ${row.client_id}`.execute(
      db,
    );
  }
  await db.schema.createIndex('credentials_by_resource_id').unique().on('credentials').column('resource_id').execute();
  await db.schema.createIndex('credentials_by_company').on('credentials').column('company_id').execute();
}
