// contract §3 and §4 isClustered over real HTTP on both databases: a Reseller never sees itself in a clustered
// page either (its own customers are listed as themselves, not grouped under it), every company a clustered page
// names is one GET /api/companies/{id} shows the caller, and a reseller with many customers lists a bounded
// number of them per group: the first ones in the requested order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchCompanyDto } from '../src/contract/index.js';
import { childrenPerGroup } from '../src/server/companies/index.js';
import { callApi, fetchToken, searchBody } from './support/api.js';
import { DATABASE_KINDS, insertCompanies } from './support/databases.js';
import { resourceIdsOf, searchAllPages } from './support/search-pages.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/** More customers under one reseller than a clustered group of a 50-group page lists. */
const BULK_CHILDREN = 150;
const PAGE_SIZE = 50;

describe.each(DATABASE_KINDS)('clustered search on %s', (kind) => {
  let server: TestServer;
  let resellerToken: string;
  let subResellerToken: string;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 300 });
    const parentResourceId = server.credentials.subReseller.companyResourceId;
    await insertCompanies(
      server.storage.db,
      Array.from({ length: BULK_CHILDREN }, (_, index) => ({
        resourceId: `Bulk${String(index).padStart(8, '0')}`,
        name: `Bulk customer ${String(BULK_CHILDREN - index).padStart(3, '0')}`,
        parentResourceId,
      })),
    );
    resellerToken = await fetchToken(server.baseUrl, server.credentials.reseller);
    subResellerToken = await fetchToken(server.baseUrl, server.credentials.subReseller);
  });
  afterAll(() => server.close());

  const clustered = (token: string, pageSize = PAGE_SIZE) =>
    searchAllPages(server.baseUrl, { token, body: searchBody({ pageSize, isClustered: true }) });

  it.each(['reseller', 'subReseller'] as const)(
    'a %s never sees itself: every listed company is one GET /companies/{id} shows it',
    async (role) => {
      const credential = server.credentials[role];
      const token = role === 'reseller' ? resellerToken : subResellerToken;
      const { results } = await clustered(token);
      const listed = [...resourceIdsOf(results), ...results.flatMap((entry) => resourceIdsOf(entry.children ?? []))];
      expect(listed).not.toContain(credential.companyResourceId);
      for (const resourceId of new Set(resourceIdsOf(results))) {
        const response = await callApi(server.baseUrl, `/api/companies/${resourceId}`, { token });
        expect({ resourceId, status: response.status }).toEqual({ resourceId, status: 200 });
      }
    },
  );

  it('a group lists its first customers in the requested order, as many as the page size allows', async () => {
    const subReseller = server.credentials.subReseller.companyResourceId;
    const { pages, results } = await clustered(resellerToken);
    const group = results.find((entry) => entry.companyResourceId === subReseller && entry.children !== null);
    const children = (group as SearchCompanyDto).children as SearchCompanyDto[];
    expect(children.length).toBe(childrenPerGroup(PAGE_SIZE));
    for (const page of pages) {
      const companies = page.results.reduce((sum, entry) => sum + 1 + (entry.children?.length ?? 0), 0);
      expect(companies).toBeLessThanOrEqual(PAGE_SIZE * (1 + childrenPerGroup(PAGE_SIZE)));
    }
    // The sub-reseller's own clustered view lists all its customers, ungrouped and in the requested order.
    const own = await clustered(subResellerToken);
    const customers = own.results.filter((entry) => entry.children === null);
    expect(customers.length).toBeGreaterThanOrEqual(BULK_CHILDREN);
    expect(resourceIdsOf(children)).toEqual(resourceIdsOf(customers).slice(0, children.length));
  });
});
