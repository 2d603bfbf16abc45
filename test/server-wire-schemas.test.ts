// The routes' responses against their contract schemas on both databases (callApi checks each one, see
// support/wire-schemas.ts), and /openapi.json documenting the /my tree's schema the route declares.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MyCompanyNode, SearchPage, ServiceResult } from '../src/contract/index.js';
import { callApi, fetchToken, searchBody } from './support/api.js';
import { DATABASE_KINDS } from './support/databases.js';
import { pinnedClock } from './support/pinned-clock.js';
import { searchAllPages } from './support/search-pages.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { schemaViolationsOf } from './support/wire-schemas.js';

const flatten = (nodes: MyCompanyNode[]): MyCompanyNode[] => nodes.flatMap((node) => [node, ...flatten(node.children)]);

describe.each(DATABASE_KINDS)('responses and their schemas on %s', (kind) => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 150, ...pinnedClock });
    token = await fetchToken(server.baseUrl, server.credentials.reseller);
  });
  afterAll(() => server?.close());

  it('the /my tree, at every depth, and each company in it', async () => {
    const my = await callApi<ServiceResult<MyCompanyNode[]>>(server.baseUrl, '/api/companies/my', { token });
    expect(my.status).toBe(200);
    expect(schemaViolationsOf('myCompaniesResult', my.body)).toEqual([]);
    const nodes = flatten(my.body.data ?? []);
    expect(nodes.some((node) => node.children.some((child) => child.children.length > 0))).toBe(true);
    for (const node of nodes.slice(0, 20)) {
      const company = await callApi(server.baseUrl, `/api/companies/${node.resourceId}`, { token });
      expect(company.status).toBe(200);
      expect(schemaViolationsOf('companyResult', company.body)).toEqual([]);
    }
  });

  it.each([false, true])('every search page (isClustered: %s)', async (isClustered) => {
    // Clustered pages count resellers, of which the reseller's tree holds few.
    const pageSize = isClustered ? 2 : 7;
    const { pages } = await searchAllPages(server.baseUrl, { token, body: searchBody({ pageSize, isClustered }) });
    expect(pages.length).toBeGreaterThan(1);
    if (isClustered) expect(pages.some((page) => page.results.some((group) => group.children?.length))).toBe(true);
    const last = await callApi<ServiceResult<SearchPage>>(server.baseUrl, '/api/companies/search', {
      token,
      body: searchBody({ pageSize, isClustered, pageNumber: pages.length + 1 }),
    });
    expect(last.body.data?.results).toEqual([]);
  });

  it('errors on every route are ServiceResults', async () => {
    const anonymous = await callApi(server.baseUrl, '/api/companies/my');
    expect(anonymous.status).toBe(401);
    expect(schemaViolationsOf('errorResult', anonymous.body)).toEqual([]);
    const unknown = await callApi(server.baseUrl, '/api/companies/ZZZZZZZZZZZZ', { token });
    expect(unknown.status).toBe(404);
    expect(schemaViolationsOf('errorResult', unknown.body)).toEqual([]);
  });
});

describe('/openapi.json', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ companies: 20, ...pinnedClock });
  });
  afterAll(() => server?.close());

  it('documents the /my tree as a ServiceResult of recursive company nodes', async () => {
    const { status, body: document } = await callApi(server.baseUrl, '/openapi.json');
    expect(status).toBe(200);
    const response = document.paths['/api/companies/my'].get.responses['200'].content['application/json'].schema;
    expect(response.required).toEqual(['data', 'status', 'message', 'validationMessages']);
    const items = response.properties.data.anyOf[0].items;
    const node = document.components.schemas[items.$ref.replace('#/components/schemas/', '')];
    expect(Object.keys(node.properties)).toEqual(['name', 'resourceId', 'licenceExpired', 'children']);
    expect(node.properties.children.items).toEqual(items);
  });
});
