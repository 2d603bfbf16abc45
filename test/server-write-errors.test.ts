// contract §2 and §10: every write and client endpoint answers each error class in the envelope, on both databases:
// 401 without a token, 403 for a role that may not call it, 403 for a company the caller does not manage, 404 for an
// unknown one, 400 naming the field, 413 for a body over the limit, 415 for a body that is not JSON (or a form).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CompanyDto, companyWriteBodyOf } from '../src/contract/index.js';
import { callApi, fetchToken } from './support/api.js';
import { DATABASE_KINDS } from './support/databases.js';
import { pinnedClock } from './support/pinned-clock.js';
import { startTestServer, type TestServer } from './support/test-server.js';

interface Endpoint {
  method: string;
  /** `{company}` and `{client}` stand for a resource id of the right kind. */
  path: string;
  body?: Record<string, unknown>;
  /** Whether the customer comes from X-KEEPNET-Company-Id (else from the path). */
  isScopedByHeader: boolean;
}

const clientBody = {
  name: 'x',
  clientId: 'error-classes-client',
  clientSecret: 'x'.repeat(40),
  statusId: 1,
  roleResourceIdList: ['RoleCompAdmn'],
};
const searchBody = { pageNumber: 1, pageSize: 10, orderBy: 'CreateTime', ascending: true };
/** Filled in from a real company once the server runs, so a write's body is valid and the checks after it run. */
const companyBody: Record<string, unknown> = {};

const ENDPOINTS: Endpoint[] = [
  { method: 'POST', path: '/api/companies', body: companyBody, isScopedByHeader: true },
  { method: 'PUT', path: '/api/companies/{company}', body: companyBody, isScopedByHeader: false },
  { method: 'DELETE', path: '/api/companies/{company}', isScopedByHeader: false },
  { method: 'POST', path: '/api/companies/clients', body: clientBody, isScopedByHeader: true },
  { method: 'GET', path: '/api/companies/clients/{client}', isScopedByHeader: false },
  { method: 'PUT', path: '/api/companies/clients/{client}', body: clientBody, isScopedByHeader: false },
  { method: 'DELETE', path: '/api/companies/clients/{client}', isScopedByHeader: false },
  { method: 'POST', path: '/api/companies/clients/search', body: searchBody, isScopedByHeader: true },
  {
    method: 'POST',
    path: '/api/companies/clients/search/export',
    body: { ...searchBody, exportType: 'CSV' },
    isScopedByHeader: true,
  },
];
const UNSCOPED = ['/api/roles', '/api/companies/clients/generate-client-credentials'];

describe.each(DATABASE_KINDS)('error classes of the write and client endpoints on %s', (kind) => {
  let server: TestServer;
  let resellerToken: string;
  let adminToken: string;
  let foreignCompany: string;
  let foreignClient: string;
  let managedCompany: string;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 60, ...pinnedClock });
    [resellerToken, adminToken] = await Promise.all([
      fetchToken(server.baseUrl, server.credentials.reseller),
      fetchToken(server.baseUrl, server.credentials.companyAdmin),
    ]);
    managedCompany = server.credentials.subReseller.companyResourceId;
    const template = await callApi(server.baseUrl, `/api/companies/${managedCompany}`, { token: resellerToken });
    Object.assign(companyBody, companyWriteBodyOf(template.body.data as CompanyDto));
    const reseller = await server.storage.db
      .selectFrom('companies')
      .select('path')
      .where('resource_id', '=', server.credentials.reseller.companyResourceId)
      .executeTakeFirstOrThrow();
    const foreign = await server.storage.db
      .selectFrom('companies')
      .select('resource_id')
      .where('depth', '=', 2)
      .where('path', 'not like', `${reseller.path}%`)
      .executeTakeFirstOrThrow();
    foreignCompany = foreign.resource_id;
    const outsider = await server.addCredential(foreignCompany, 'Company Admin');
    foreignClient = (
      await server.storage.db
        .selectFrom('credentials')
        .select('resource_id')
        .where('client_id', '=', outsider.clientId)
        .executeTakeFirstOrThrow()
    ).resource_id as string;
  });
  afterAll(() => server?.close());

  const pathOf = (endpoint: Endpoint, company: string, client: string) =>
    endpoint.path.replace('{company}', company).replace('{client}', client);
  const send = (endpoint: Endpoint, init: Parameters<typeof callApi>[2] & { company?: string; client?: string }) =>
    callApi(server.baseUrl, pathOf(endpoint, init.company ?? managedCompany, init.client ?? foreignClient), {
      method: endpoint.method,
      ...(endpoint.body && { body: endpoint.body }),
      ...init,
    });

  it.each(ENDPOINTS)('$method $path: 401, 403 for the role, 403 unmanaged, 404 unknown', async (endpoint) => {
    const anonymous = await send(endpoint, {});
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.status).toBe('UNAUTHORIZED');
    // A Company Admin may PUT its own company only: here it is refused as not managing the company.
    const wrongRole = await send(endpoint, { token: adminToken });
    expect(wrongRole.status).toBe(403);
    expect(wrongRole.body.status).toBe('FORBIDDEN');
    const unmanaged = endpoint.isScopedByHeader
      ? await send(endpoint, { token: resellerToken, headers: { 'x-keepnet-company-id': foreignCompany } })
      : await send(endpoint, { token: resellerToken, company: foreignCompany, client: foreignClient });
    expect(unmanaged.status).toBe(403);
    expect(unmanaged.body.status).toBe('FORBIDDEN');
    const unknown = endpoint.isScopedByHeader
      ? await send(endpoint, { token: resellerToken, headers: { 'x-keepnet-company-id': 'ZZZZZZZZZZZZ' } })
      : await send(endpoint, { token: resellerToken, company: 'ZZZZZZZZZZZZ', client: 'ZZZZZZZZZZZZ' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.status).toBe('NOT_FOUND');
  });

  it.each(ENDPOINTS.filter((endpoint) => endpoint.body !== undefined))(
    '$method $path: 400 naming the field, 413, 415',
    async (endpoint) => {
      const headers = { 'x-keepnet-company-id': managedCompany };
      const bad = await send(endpoint, { token: resellerToken, headers, body: { ...endpoint.body, colour: 'red' } });
      expect(bad.status).toBe(400);
      expect(bad.body.status).toBe('INPUT_ERROR');
      expect(bad.body.validationMessages).toContain('colour: is not a known property');
      const large = await send(endpoint, {
        token: resellerToken,
        headers,
        body: { ...endpoint.body, name: 'x'.repeat(70 * 1024) },
      });
      expect(large.status).toBe(413);
      expect(large.body.status).toBe('INPUT_ERROR');
      const text = await send(endpoint, {
        token: resellerToken,
        headers: { ...headers, 'content-type': 'text/plain' },
        body: undefined,
        rawBody: 'name=x',
      });
      expect(text.status).toBe(415);
      expect(text.body.status).toBe('INPUT_ERROR');
    },
  );

  it("/openapi.json documents the writes with the vendor's multipart form and the envelope of an IdResult", async () => {
    const { body: document } = await callApi(server.baseUrl, '/openapi.json');
    const put = document.paths['/api/companies/{resourceId}'].put;
    expect(Object.keys(put.requestBody.content)).toEqual(
      expect.arrayContaining(['multipart/form-data', 'application/json']),
    );
    expect(put.requestBody.content['multipart/form-data'].schema.required).toContain('LicensePeriodTypeResourceId');
    for (const path of ['/api/roles', '/api/companies/clients/search', '/api/companies/clients/{resourceId}']) {
      expect(document.paths[path], path).toBeDefined();
    }
  });

  it.each(UNSCOPED)('GET %s: 401, and 403 for a Company Admin', async (path) => {
    expect((await callApi(server.baseUrl, path)).status).toBe(401);
    expect((await callApi(server.baseUrl, path, { token: adminToken })).status).toBe(403);
    expect((await callApi(server.baseUrl, path, { token: resellerToken })).status).toBe(200);
  });
});
