// contract §3: which companies a caller may see, optionally narrowed to one customer's subtree.
import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import { RESOURCE_ID_PATTERN } from '../../contract/index.js';
import type { Caller } from '../auth/index.js';
import type { Db, LapseDatabase } from '../db/index.js';
import { isInSubtree, subtreeCondition } from '../db/index.js';
import { ApiError } from '../errors.js';

/** A set of companies as a range of materialised paths (see `companies.path` in db/schema.ts). */
export interface Scope {
  /** The path whose subtree this is. Null: every company (Root without a scoping header). */
  path: string | null;
  /** Whether the company at `path` itself belongs to the scope. */
  includesRoot: boolean;
}

const everyCompany = (eb: ExpressionBuilder<LapseDatabase, 'companies'>): Expression<SqlBool> => eb.lit(true);

export function scopeCondition(scope: Scope) {
  return scope.path === null ? everyCompany : subtreeCondition(scope.path, scope.includesRoot);
}

export function isInScope(scope: Scope, path: string): boolean {
  if (scope.path === null) return true;
  return isInSubtree(path, scope.path, scope.includesRoot);
}

/** Everything a caller may see: Root sees all; a Reseller its subtree without itself. */
export function visibleScope(caller: Caller): Scope {
  return caller.role === 'Root'
    ? { path: null, includesRoot: true }
    : { path: caller.company.path, includesRoot: false };
}

/**
 * Narrows the caller's scope to the company named by X-KEEPNET-Company-Id (or ?companyId=): that company and
 * everything below it. Unknown: 404. Not one the caller manages: 403.
 */
export async function resolveScope(db: Db, caller: Caller, scopeCompanyId: string | undefined): Promise<Scope> {
  const visible = visibleScope(caller);
  if (scopeCompanyId === undefined || scopeCompanyId === '') return visible;
  const shown = JSON.stringify(scopeCompanyId.slice(0, 64));
  const company = RESOURCE_ID_PATTERN.test(scopeCompanyId)
    ? await db.selectFrom('companies').select('path').where('resource_id', '=', scopeCompanyId).executeTakeFirst()
    : undefined;
  if (!company) throw ApiError.notFound(`Company ${shown} was not found.`);
  if (!isInScope(visible, company.path)) throw ApiError.forbidden(`Company ${shown} is not managed by this client.`);
  return { path: company.path, includesRoot: true };
}
