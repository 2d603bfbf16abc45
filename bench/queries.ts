// What the benchmarks ask for, shared so every benchmark measures the same request: a page of expired companies
// by renewal date, and "every company, by name" for exports; plus the caller a credential stands for, to build
// the server's own SQL for the direct-query baselines.
import type { Caller } from '../src/server/auth/caller.js';
import type { Storage } from '../src/server/db/storage.js';
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
