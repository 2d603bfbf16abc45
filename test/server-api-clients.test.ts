// contract §10: a managed customer's REST API clients over real HTTP on both databases: roles, generated
// credentials, create/get/update/delete/search/export, the token a client gets and exactly its role's permissions,
// refusal after disable, rotation, deletion and from an address it may not use; every error class.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ClientCredentialDto,
  type ClientDto,
  type ClientPage,
  PERMISSION,
  ROLE_PERMISSIONS,
  type SearchPage,
  type ServiceResult,
  type SystemRoleDto,
} from '../src/contract/index.js';
import { callApi, fetchToken, searchBody } from './support/api.js';
import { DATABASE_KINDS } from './support/databases.js';
import { pinnedClock } from './support/pinned-clock.js';
import { startTestServer, type TestServer } from './support/test-server.js';

async function requestToken(baseUrl: string, clientId: string, clientSecret: string) {
  const response = await fetch(`${baseUrl}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }),
  });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

describe.each(DATABASE_KINDS)('customer API clients on %s', (kind) => {
  let server: TestServer;
  let resellerToken: string;
  let adminToken: string;
  /** A customer of the reseller with companies of its own. */
  let customer: string;
  let customerPath: string;
  /** A company outside the reseller's tree. */
  let foreign: string;
  let roles: SystemRoleDto[];

  const roleId = (name: string) => roles.find((role) => role.name === name)?.resourceId as string;
  const asCustomer = (init: Parameters<typeof callApi>[2] = {}) => ({
    token: resellerToken,
    ...init,
    headers: { 'x-keepnet-company-id': customer, ...init.headers },
  });
  const generate = async () =>
    (
      await callApi<ServiceResult<ClientCredentialDto>>(
        server.baseUrl,
        '/api/companies/clients/generate-client-credentials',
        { token: resellerToken },
      )
    ).body.data as ClientCredentialDto;

  async function createClient(role: string, extra: Record<string, unknown> = {}) {
    const credentials = await generate();
    const body = { name: `${role} script`, ...credentials, statusId: 1, roleResourceIdList: [roleId(role)], ...extra };
    const created = await callApi<ServiceResult<{ resourceId: string }>>(
      server.baseUrl,
      '/api/companies/clients',
      asCustomer({ body }),
    );
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    return { ...credentials, resourceId: created.body.data?.resourceId as string, body };
  }

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 150, ...pinnedClock });
    resellerToken = await fetchToken(server.baseUrl, server.credentials.reseller);
    adminToken = await fetchToken(server.baseUrl, server.credentials.companyAdmin);
    customer = server.credentials.subReseller.companyResourceId;
    const db = server.storage.db;
    customerPath = (
      await db.selectFrom('companies').select('path').where('resource_id', '=', customer).executeTakeFirstOrThrow()
    ).path;
    const reseller = await db
      .selectFrom('companies')
      .select('path')
      .where('resource_id', '=', server.credentials.reseller.companyResourceId)
      .executeTakeFirstOrThrow();
    foreign = (
      await db
        .selectFrom('companies')
        .select('resource_id')
        .where('depth', '=', 2)
        .where('path', 'not like', `${reseller.path}%`)
        .executeTakeFirstOrThrow()
    ).resource_id;
    const listed = await callApi<ServiceResult<SystemRoleDto[]>>(server.baseUrl, '/api/roles', {
      token: resellerToken,
    });
    expect(listed.status).toBe(200);
    roles = listed.body.data ?? [];
  });
  afterAll(() => server?.close());

  it('lists the roles a client may hold, and generates credentials it does not keep', async () => {
    expect(roles.map((role) => role.name)).toEqual(['Reseller', 'Company Admin']);
    const first = await callApi(server.baseUrl, '/api/companies/clients/generate-client-credentials', {
      token: resellerToken,
    });
    expect(first.headers.get('cache-control')).toBe('no-store');
    const second = await generate();
    expect(first.body.data.clientSecret).not.toBe(second.clientSecret);
    expect(second.clientSecret.length).toBeGreaterThanOrEqual(32);
    const stored = await server.storage.db
      .selectFrom('credentials')
      .select('client_id')
      .where('client_id', '=', second.clientId)
      .execute();
    expect(stored).toEqual([]);
  });

  it('a Company Admin client gets exactly its role: its own company, and 403 on companies/search', async () => {
    const client = await createClient('Company Admin');
    const row = await server.storage.db
      .selectFrom('credentials')
      .selectAll()
      .where('client_id', '=', client.clientId)
      .executeTakeFirstOrThrow();
    expect(row.secret_hash).toMatch(/^scrypt\$/);
    expect(row.secret_hash).not.toContain(client.clientSecret);

    const token = await requestToken(server.baseUrl, client.clientId, client.clientSecret);
    expect(token.status).toBe(200);
    expect([...token.body.permissions].sort()).toEqual([...ROLE_PERMISSIONS['Company Admin']].sort());
    const accessToken = token.body.access_token as string;
    const search = await callApi(server.baseUrl, '/api/companies/search', { token: accessToken, body: searchBody() });
    expect(search.status).toBe(403);
    expect(search.body.message).toContain('Client Role = Reseller');
    const own = await callApi(server.baseUrl, `/api/companies/${customer}`, { token: accessToken });
    expect(own.status).toBe(200);
    const my = await callApi(server.baseUrl, '/api/companies/my', { token: accessToken });
    expect(my.body.data.map((node: { resourceId: string }) => node.resourceId)).toEqual([customer]);

    const shown = await callApi<ServiceResult<ClientDto>>(
      server.baseUrl,
      `/api/companies/clients/${client.resourceId}`,
      asCustomer(),
    );
    expect(shown.body.data).toEqual({
      resourceId: client.resourceId,
      name: 'Company Admin script',
      clientId: client.clientId,
      clientSecret: null,
      statusId: 1,
      statusName: 'Active',
      hasIpAddressRestriction: false,
      allowedIpAddresses: [],
      roleResourceIdList: [roleId('Company Admin')],
    });
  });

  it('a Reseller client searches only below its customer', async () => {
    const client = await createClient('Reseller');
    const token = await fetchToken(server.baseUrl, { ...client, companyResourceId: customer });
    const page = await callApi<ServiceResult<SearchPage>>(server.baseUrl, '/api/companies/search', {
      token,
      body: searchBody({ pageSize: 1000 }),
    });
    expect(page.status).toBe(200);
    const rows = await server.storage.db
      .selectFrom('companies')
      .select('resource_id')
      .where('path', 'like', `${customerPath}_%`)
      .execute();
    expect(page.body.data?.results.map((company) => company.companyResourceId).sort()).toEqual(
      rows.map((row) => row.resource_id).sort(),
    );
    expect(rows.length).toBeGreaterThan(0);
  });

  it('disabling, rotating, restricting and deleting take effect at /connect/token at once', async () => {
    const client = await createClient('Company Admin');
    const put = (body: Record<string, unknown>) =>
      callApi(server.baseUrl, `/api/companies/clients/${client.resourceId}`, asCustomer({ method: 'PUT', body }));
    expect((await requestToken(server.baseUrl, client.clientId, client.clientSecret)).status).toBe(200);

    expect((await put({ ...client.body, statusId: 2 })).status).toBe(200);
    const disabled = await requestToken(server.baseUrl, client.clientId, client.clientSecret);
    expect(disabled).toMatchObject({ status: 400, body: { error: 'invalid_client' } });
    expect((await put({ ...client.body, statusId: 1 })).status).toBe(200);
    expect((await requestToken(server.baseUrl, client.clientId, client.clientSecret)).status).toBe(200);

    // Rotation, the vendor's way: a generated secret sent with PUT replaces the old one; the tokens the old one
    // got end with it, and sending the current secret again rotates nothing.
    const before = (await requestToken(server.baseUrl, client.clientId, client.clientSecret)).body.access_token;
    const my = (token: string) => callApi(server.baseUrl, '/api/companies/my', { token });
    expect((await put(client.body)).status).toBe(200);
    expect((await my(before)).status).toBe(200);
    const { clientSecret: rotated } = await generate();
    expect((await put({ ...client.body, clientSecret: rotated })).status).toBe(200);
    expect((await requestToken(server.baseUrl, client.clientId, client.clientSecret)).status).toBe(400);
    const afterRotation = await my(before);
    expect(afterRotation.status).toBe(401);
    expect(afterRotation.body.message).toContain('rotated');
    const fresh = await requestToken(server.baseUrl, client.clientId, rotated);
    expect(fresh.status).toBe(200);
    expect((await my(fresh.body.access_token)).status).toBe(200);
    const rotatedBody = { ...client.body, clientSecret: rotated };

    const elsewhere = {
      ...rotatedBody,
      hasIpAddressRestriction: true,
      allowedIpAddresses: ['10.1.2.3', '2001:db8::/32'],
    };
    expect((await put(elsewhere)).status).toBe(200);
    expect((await requestToken(server.baseUrl, client.clientId, rotated)).status).toBe(400);
    const loopback = { ...rotatedBody, hasIpAddressRestriction: true, allowedIpAddresses: ['10.1.2.3', '127.0.0.0/8'] };
    expect((await put(loopback)).status).toBe(200);
    expect((await requestToken(server.baseUrl, client.clientId, rotated)).status).toBe(200);
    const shown = await callApi(server.baseUrl, `/api/companies/clients/${client.resourceId}`, asCustomer());
    expect(shown.body.data).toMatchObject({
      hasIpAddressRestriction: true,
      allowedIpAddresses: loopback.allowedIpAddresses,
    });

    const removed = await callApi(
      server.baseUrl,
      `/api/companies/clients/${client.resourceId}`,
      asCustomer({ method: 'DELETE' }),
    );
    expect(removed.body.data).toEqual({ resourceId: client.resourceId });
    expect((await requestToken(server.baseUrl, client.clientId, rotated)).status).toBe(400);
    expect((await callApi(server.baseUrl, `/api/companies/clients/${client.resourceId}`, asCustomer())).status).toBe(
      404,
    );
  });

  it('searches and exports the customer’s clients', async () => {
    const client = await createClient('Reseller', { name: '=Billing export' });
    const page = await callApi<ServiceResult<ClientPage>>(
      server.baseUrl,
      '/api/companies/clients/search',
      asCustomer({
        body: {
          PageNumber: 1,
          PageSize: 2,
          OrderBy: 'ClientName',
          Ascending: true,
          Filter: { SearchInputTextValue: 'billing' },
        },
      }),
    );
    expect(page.status).toBe(200);
    expect(page.body.data).toMatchObject({
      pageNumber: 1,
      pageSize: 2,
      totalNumberOfRecords: 1,
      totalNumberOfPages: 1,
    });
    expect(page.body.data?.results).toEqual([
      {
        resourceId: client.resourceId,
        clientName: '=Billing export',
        clientId: client.clientId,
        createTime: new Date(pinnedClock.now()).toISOString(),
        statusId: 1,
        statusName: 'Active',
      },
    ]);
    const all = await callApi<ServiceResult<ClientPage>>(
      server.baseUrl,
      '/api/companies/clients/search',
      asCustomer({ body: { pageNumber: 1, pageSize: 1, orderBy: 'CreateTime', ascending: false } }),
    );
    expect(all.body.data?.totalNumberOfRecords).toBeGreaterThanOrEqual(2);
    expect(all.body.data?.results).toHaveLength(1);

    const exported = await fetch(`${server.baseUrl}/api/companies/clients/search/export`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${resellerToken}`,
        'content-type': 'application/json',
        'x-keepnet-company-id': customer,
      },
      body: JSON.stringify({
        pageNumber: 1,
        pageSize: 10,
        orderBy: 'ClientName',
        ascending: true,
        exportType: 'Csv',
        reportAllPages: true,
      }),
    });
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const csv = new TextDecoder('utf-8', { ignoreBOM: true }).decode(await exported.arrayBuffer());
    expect(csv.split('\r\n')[0]).toBe('\uFEFFClient Name,Client Id,Status,Date Created');
    expect(csv).toContain(`'=Billing export,${client.clientId},Active,2026-11-26\r\n`);
  });

  it('creates racing for one client id: one wins, the others hear it is in use', async () => {
    const credentials = await generate();
    const body = { name: 'race', ...credentials, statusId: 1, roleResourceIdList: [roleId('Company Admin')] };
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => callApi(server.baseUrl, '/api/companies/clients', asCustomer({ body }))),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400, 400, 400]);
    for (const answer of answers.filter((a) => a.status === 400)) {
      expect(answer.body.validationMessages).toEqual(['clientId: is already in use']);
    }
  });

  it('every error class, in the envelope', async () => {
    const credentials = await generate();
    const body = { name: 'x', ...credentials, statusId: 1, roleResourceIdList: [roleId('Reseller')] };
    const post = (init: Parameters<typeof callApi>[2]) => callApi(server.baseUrl, '/api/companies/clients', init);

    expect((await post({ body, headers: { 'x-keepnet-company-id': customer } })).status).toBe(401);
    expect((await callApi(server.baseUrl, '/api/roles')).status).toBe(401);
    for (const path of ['/api/roles', '/api/companies/clients/generate-client-credentials']) {
      const refused = await callApi(server.baseUrl, path, { token: adminToken });
      expect(refused.status, path).toBe(403);
    }
    const wrongRole = await post({ token: adminToken, body, headers: { 'x-keepnet-company-id': customer } });
    expect(wrongRole.status).toBe(403);
    const unmanaged = await post({ token: resellerToken, body, headers: { 'x-keepnet-company-id': foreign } });
    expect(unmanaged.status).toBe(403);
    expect(unmanaged.body.message).toContain('is not managed by this client');
    const unknownCompany = await post({
      token: resellerToken,
      body,
      headers: { 'x-keepnet-company-id': 'ZZZZZZZZZZZZ' },
    });
    expect(unknownCompany.status).toBe(404);
    expect((await callApi(server.baseUrl, '/api/companies/clients/ZZZZZZZZZZZZ', asCustomer())).status).toBe(404);

    const noCompany = await post({ token: resellerToken, body });
    expect(noCompany.status).toBe(400);
    expect(noCompany.body.validationMessages).toEqual([expect.stringMatching(/^X-KEEPNET-Company-Id: is required/)]);
    const bad = await post(
      asCustomer({
        body: {
          ...body,
          clientSecret: 'short',
          statusId: 7,
          roleResourceIdList: [],
          hasIpAddressRestriction: true,
          allowedIpAddresses: ['999.1.1.1'],
        },
      }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.validationMessages).toEqual([
      expect.stringMatching(/^clientSecret: must be at least 32 characters/),
      expect.stringMatching(/^statusId: /),
      'roleResourceIdList: Role should be selected (GET /api/roles)',
      'allowedIpAddresses[0]: Invalid ip address "999.1.1.1"',
    ]);
    const missing = await post(asCustomer({ body: { ...body, name: undefined } }));
    expect(missing.body.validationMessages).toContain('name: is required');
    const taken = await post(asCustomer({ body: { ...body, clientId: server.credentials.reseller.clientId } }));
    expect(taken.body.validationMessages).toEqual(['clientId: is already in use']);
    const notJson = await post(asCustomer({ rawBody: 'name=x', headers: { 'content-type': 'text/plain' } }));
    expect(notJson.status).toBe(415);
    const huge = await post(asCustomer({ body: { ...body, name: 'x'.repeat(70 * 1024) } }));
    expect(huge.status).toBe(413);
    const excel = await callApi(
      server.baseUrl,
      '/api/companies/clients/search/export',
      asCustomer({
        body: { pageNumber: 1, pageSize: 10, orderBy: 'CreateTime', ascending: true, exportType: 'Excel' },
      }),
    );
    expect(excel.status).toBe(400);
    expect(excel.body.validationMessages).toEqual(['exportType: clients export as CSV only']);
    const badOrder = await callApi(
      server.baseUrl,
      '/api/companies/clients/search',
      asCustomer({ body: { pageNumber: 1, pageSize: 10, orderBy: 'Colour', ascending: true } }),
    );
    expect(badOrder.body.validationMessages).toEqual([expect.stringMatching(/^orderBy: /)]);

    // A client of a company the caller does not manage: 403, whether or not the header names it.
    const rootToken = await fetchToken(server.baseUrl, server.credentials.root);
    const foreignClient = await callApi(server.baseUrl, '/api/companies/clients', {
      token: rootToken,
      body: { ...body, clientId: `${credentials.clientId.slice(0, 20)}f` },
      headers: { 'x-keepnet-company-id': foreign },
    });
    expect(foreignClient.status).toBe(200);
    const id = foreignClient.body.data.resourceId;
    const other = await callApi(server.baseUrl, `/api/companies/clients/${id}`, { token: resellerToken });
    expect(other.status).toBe(403);
    const changeId = await callApi(server.baseUrl, `/api/companies/clients/${id}`, {
      token: rootToken,
      method: 'PUT',
      body: { ...body, clientId: 'another-id' },
    });
    expect(changeId.body.validationMessages).toEqual([
      expect.stringMatching(/^clientId: a client's id does not change/),
    ]);
    expect(Object.values(PERMISSION)).toContain('companies/clients|POST');
  });
});
