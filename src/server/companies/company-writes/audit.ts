// contract §10: every company write leaves an audit row: who (client and its company), when, and each CompanyDto
// field's old and new value.
import type { CompanyDto } from '../../../contract/index.js';
import type { Caller } from '../../auth/index.js';
import type { Db } from '../../db/index.js';

export type AuditAction = 'create' | 'update' | 'delete';

/** CompanyDto field -> its value before and after; a create's `from` and a delete's `to` are null. */
export type FieldChanges = Record<string, { from: unknown; to: unknown }>;

export interface AuditEntry {
  action: AuditAction;
  resourceId: string;
  /** Who wrote: the credential (client id) and the company it acts for. */
  caller: Caller;
  /** Epoch ms. */
  at: number;
  changes: FieldChanges;
}

/** The fields that differ between two states of a company (null: it does not exist). */
export function fieldChangesOf(before: CompanyDto | null, after: CompanyDto | null): FieldChanges {
  const changes: FieldChanges = {};
  const keys = Object.keys(after ?? before ?? {}) as (keyof CompanyDto)[];
  for (const key of keys) {
    const from = before === null ? null : before[key];
    const to = after === null ? null : after[key];
    if (JSON.stringify(from) !== JSON.stringify(to)) changes[key] = { from, to };
  }
  return changes;
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('company_audit')
    .values({
      company_resource_id: entry.resourceId,
      action: entry.action,
      client_id: entry.caller.clientId,
      caller_company_resource_id: entry.caller.company.resourceId,
      at: entry.at,
      changes: JSON.stringify(entry.changes),
    })
    .execute();
}
