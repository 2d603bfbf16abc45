// What the benchmarks ask for, shared so every benchmark measures the same request: a page of expired companies
// by renewal date, and "every company, by name" for exports; plus the caller a credential stands for, to build
// the server's own SQL for the direct-query baselines.
import Database from 'better-sqlite3';
import type { Compilable } from 'kysely';
import { dayStartUtc } from '../src/contract/index.js';
import type { Caller } from '../src/server/auth/caller.js';
import { resolveScope, type Scope } from '../src/server/companies/scope.js';
import { type CompanyQuery, countQuery, parseCompanyQuery } from '../src/server/companies/search-query.js';
import type { Db } from '../src/server/db/index.js';
import { openStorage, type Storage } from '../src/server/db/storage.js';
import type { BenchCredential } from './fixtures.js';

export function expiredPageBody(today: string) {
  return {
    pageNumber: 1,
    pageSize: 100,
    orderBy: 'RenewalDate',
    ascending: true,
    filter: { FilterGroups: [{ FilterItems: [{ FieldName: 'LicenseEndDate', Operator: '<', Value: today }] }] },
  };
}

export const EVERY_COMPANY_BODY = {
  pageNumber: 1,
  pageSize: 1000,
  orderBy: 'CompanyName',
  ascending: true,
  reportAllPages: true,
};

export async function callerFor(
  storage: Storage,
  credential: BenchCredential,
  role: 'Root' | 'Reseller',
): Promise<Caller> {
  const company = await storage.db
    .selectFrom('companies')
    .select(['id', 'resource_id', 'name', 'path'])
    .where('resource_id', '=', credential.companyResourceId)
    .executeTakeFirstOrThrow();
  return {
    clientId: credential.clientId,
    role,
    company: {
      id: company.id,
      resourceId: company.resource_id,
      name: company.name,
      path: company.path,
      parentResourceId: null,
      parentName: null,
    },
  };
}

/**
 * The server's two statements for a search body and caller (the count, and the page `pageOf` selects), compiled
 * once and run straight on better-sqlite3: the direct-query baselines.
 */
export async function directCountAndPage(
  file: string,
  caller: { credential: BenchCredential; role: 'Root' | 'Reseller' },
  body: Record<string, unknown>,
  today: string,
  pageOf: (db: Db, query: CompanyQuery) => Compilable,
): Promise<{ scope: Scope; run: () => unknown; close: () => void }> {
  const storage = await openStorage(file);
  try {
    const scope = await resolveScope(storage.db, await callerFor(storage, caller.credential, caller.role), undefined);
    const query = parseCompanyQuery(body as never, scope, dayStartUtc(today));
    const countSql = countQuery(storage.db, query).compile();
    const pageSql = pageOf(storage.db, query).compile();
    const db = new Database(file, { readonly: true });
    const countStatement = db.prepare(countSql.sql);
    const pageStatement = db.prepare(pageSql.sql);
    return {
      scope,
      run: () => {
        countStatement.get(...(countSql.parameters as unknown[]));
        return pageStatement.all(...(pageSql.parameters as unknown[]));
      },
      close: () => db.close(),
    };
  } finally {
    await storage.close();
  }
}
