// contract §6: GET /api/companies/my (the managed tree) and GET /api/companies/{id} (one company).
import { type CompanyDto, isExpiredAt, type MyCompanyNode, RESOURCE_ID_PATTERN } from '../../contract/index.js';
import type { Caller } from '../auth/index.js';
import type { Db } from '../db/index.js';
import { ApiError } from '../errors.js';
import { COMPANY_DTO } from './company-records.js';
import { isInScope, scopeCondition, visibleScope } from './scope.js';

/** A Reseller (or Root) gets the tree below its company; a Company Admin its own company. */
export async function myCompanies(db: Db, caller: Caller, todayStartMs: number): Promise<MyCompanyNode[]> {
  if (caller.role === 'Company Admin') {
    const own = await db
      .selectFrom('companies')
      .select(['name', 'resource_id', 'license_end_at'])
      .where('id', '=', caller.company.id)
      .executeTakeFirstOrThrow();
    return [
      {
        name: own.name,
        resourceId: own.resource_id,
        licenceExpired: isExpiredAt(own.license_end_at, todayStartMs),
        children: [],
      },
    ];
  }
  const rows = await db
    .selectFrom('companies')
    .select(['id', 'parent_id', 'name', 'resource_id', 'license_end_at'])
    .where(scopeCondition({ path: caller.company.path, includesRoot: false }))
    .orderBy('name_folded')
    .orderBy('resource_id')
    .execute();
  const nodes = new Map<number, MyCompanyNode>();
  for (const row of rows) {
    const node = {
      name: row.name,
      resourceId: row.resource_id,
      licenceExpired: isExpiredAt(row.license_end_at, todayStartMs),
      children: [],
    };
    nodes.set(row.id, node);
  }
  const roots: MyCompanyNode[] = [];
  for (const row of rows) {
    const node = nodes.get(row.id) as MyCompanyNode;
    const parent = row.parent_id === null ? undefined : nodes.get(row.parent_id);
    (parent ? parent.children : roots).push(node);
  }
  return roots;
}

/**
 * The stored row of a company the caller may read: a Company Admin its own, a Reseller any below it, Root any.
 * Unknown: 404; not the caller's to read: 403.
 */
export async function visibleCompanyRow(db: Db, caller: Caller, resourceId: string) {
  // contract §3: ids are [A-Za-z0-9]{12}; anything else names no company (and a NUL would be a PostgreSQL error).
  if (!RESOURCE_ID_PATTERN.test(resourceId)) {
    throw ApiError.notFound(`Company ${JSON.stringify(resourceId.slice(0, 64))} was not found.`);
  }
  const row = await db.selectFrom('companies').selectAll().where('resource_id', '=', resourceId).executeTakeFirst();
  if (!row) throw ApiError.notFound(`Company ${JSON.stringify(resourceId.slice(0, 64))} was not found.`);
  const isAllowed =
    caller.role === 'Company Admin' ? row.id === caller.company.id : isInScope(visibleScope(caller), row.path);
  if (!isAllowed) throw ApiError.forbidden(`Company ${JSON.stringify(resourceId)} is not managed by this client.`);
  return row;
}

export async function companyById(
  db: Db,
  caller: Caller,
  resourceId: string,
  todayStartMs: number,
): Promise<CompanyDto> {
  return COMPANY_DTO.fromRow(await visibleCompanyRow(db, caller, resourceId), { todayStartMs });
}
