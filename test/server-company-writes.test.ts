// contract §10: company writes over real HTTP on both databases: create, full update (a renewal), delete, in the
// vendor's form fields as multipart/form-data and JSON; every error class; the audit trail; the tree kept whole.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CompanyDto,
  type CompanyWriteBody,
  companyWriteBodyOf,
  type SearchPage,
  type ServiceResult,
} from '../src/contract/index.js';
import { callApi, fetchToken, searchBody } from './support/api.js';
import { DATABASE_KINDS } from './support/databases.js';
import { PINNED_TODAY, pinnedClock } from './support/pinned-clock.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { findTreeInconsistencies } from './support/tree-consistency.js';
import { assertWireExchange } from './support/wire-schemas.js';

const EXPIRED_FILTER = {
  Condition: 'AND',
  FilterGroups: [{ Condition: 'AND', FilterItems: [{ FieldName: 'LicenceExpired', Operator: '=', Value: 'true' }] }],
};

/** A multipart body of a write: every field a string, arrays as repeated fields, and an optional logo. */
function formOf(body: Partial<CompanyWriteBody> & Record<string, unknown>, file?: { type: string; bytes: Buffer }) {
  const form = new FormData();
  for (const [key, value] of Object.entries(body)) {
    if (Array.isArray(value)) for (const item of value) form.append(key, String(item));
    else if (value !== undefined) form.append(key, String(value));
  }
  if (file) form.append('File', new Blob([new Uint8Array(file.bytes)], { type: file.type }), 'logo');
  return form;
}

async function sendForm(server: TestServer, method: string, path: string, token: string, form: FormData) {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  await assertWireExchange({ method, path, status: response.status, headers: response.headers, bytes });
  return { status: response.status, body: JSON.parse(bytes.toString('utf8')) as ServiceResult<{ resourceId: string }> };
}

describe.each(DATABASE_KINDS)('company writes on %s', (kind) => {
  let server: TestServer;
  let resellerToken: string;
  let adminToken: string;
  let rootToken: string;
  let resellerPath: string;
  /** A customer of the reseller with no companies below it, expired on the pinned day. */
  let expiredLeaf: string;
  /** A company outside the reseller's tree. */
  let foreign: string;
  let industryId: string;
  let licenseTypeId: string;
  let countryId: string;

  const getCompany = async (resourceId: string, token = rootToken) =>
    (await callApi<ServiceResult<CompanyDto>>(server.baseUrl, `/api/companies/${resourceId}`, { token })).body
      .data as CompanyDto;

  const newCompanyBody = (name: string): CompanyWriteBody => ({
    Name: name,
    IndustryResourceId: industryId,
    CountryResourceId: countryId,
    LicenseTypeResourceId: licenseTypeId,
    LicensePeriodTypeResourceId: 'period1Year0',
    LicenseStartDate: '2026-01-01',
    LicenseEndDate: '2027-01-01',
    NumberOfUsers: 250,
    TimeZoneId: 'Europe/Berlin',
    DateFormat: 'dd.MM.yyyy',
    TimeFormat: 'HH:mm',
    Tags: ['new', 'api'],
  });

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 150, ...pinnedClock });
    [resellerToken, adminToken, rootToken] = await Promise.all([
      fetchToken(server.baseUrl, server.credentials.reseller),
      fetchToken(server.baseUrl, server.credentials.companyAdmin),
      fetchToken(server.baseUrl, server.credentials.root),
    ]);
    const db = server.storage.db;
    const reseller = await db
      .selectFrom('companies')
      .select(['path', 'id'])
      .where('resource_id', '=', server.credentials.reseller.companyResourceId)
      .executeTakeFirstOrThrow();
    resellerPath = reseller.path;
    const leaf = await db
      .selectFrom('companies as c')
      .select('c.resource_id')
      .where('c.path', 'like', `${resellerPath}_%`)
      .where('c.license_end_at', '<', Date.parse(`${PINNED_TODAY}T00:00:00Z`))
      .where((eb) =>
        eb.not(eb.exists(eb.selectFrom('companies as k').select('k.id').whereRef('k.parent_id', '=', 'c.id'))),
      )
      .where('c.resource_id', '!=', server.credentials.companyAdmin.companyResourceId)
      .orderBy('c.resource_id')
      .executeTakeFirstOrThrow();
    expiredLeaf = leaf.resource_id;
    const outside = await db
      .selectFrom('companies')
      .select('resource_id')
      .where('depth', '=', 2)
      .where('path', 'not like', `${resellerPath}%`)
      .executeTakeFirstOrThrow();
    foreign = outside.resource_id;
    industryId = (await db.selectFrom('industries').select('resource_id').executeTakeFirstOrThrow()).resource_id;
    licenseTypeId = (await db.selectFrom('license_types').select('resource_id').executeTakeFirstOrThrow()).resource_id;
    const country = await db
      .selectFrom('companies')
      .select('country_resource_id')
      .where('country_resource_id', 'is not', null)
      .executeTakeFirstOrThrow();
    countryId = country.country_resource_id as string;
  });
  afterAll(() => server?.close());

  it('a renewal (PUT with a later LicenseEndDate, as multipart) leaves the expired search and shows its new date', async () => {
    const expiredBefore = await callApi<ServiceResult<SearchPage>>(server.baseUrl, '/api/companies/search', {
      token: resellerToken,
      body: searchBody({ pageSize: 1000, filter: EXPIRED_FILTER }),
    });
    const ids = (page: ServiceResult<SearchPage>) => page.data?.results.map((c) => c.companyResourceId) ?? [];
    expect(ids(expiredBefore.body)).toContain(expiredLeaf);

    const before = await getCompany(expiredLeaf);
    const body = { ...companyWriteBodyOf(before), LicenseEndDate: '2027-11-26' };
    const put = await sendForm(server, 'PUT', `/api/companies/${expiredLeaf}`, resellerToken, formOf(body));
    expect(put).toEqual({
      status: 200,
      body: { data: { resourceId: expiredLeaf }, status: 'SUCCESS', message: null, validationMessages: null },
    });

    const expiredAfter = await callApi<ServiceResult<SearchPage>>(server.baseUrl, '/api/companies/search', {
      token: resellerToken,
      body: searchBody({ pageSize: 1000, filter: EXPIRED_FILTER }),
    });
    expect(ids(expiredAfter.body)).not.toContain(expiredLeaf);
    expect(expiredAfter.body.data?.totalNumberOfRecords).toBe((expiredBefore.body.data?.totalNumberOfRecords ?? 0) - 1);
    const found = await callApi<ServiceResult<SearchPage>>(server.baseUrl, '/api/companies/search', {
      token: resellerToken,
      body: searchBody({
        filter: {
          FilterGroups: [{ FilterItems: [{ FieldName: 'CompanyResourceId', Operator: '=', Value: expiredLeaf }] }],
        },
      }),
    });
    expect(found.body.data?.results[0]).toMatchObject({
      licenceExpired: false,
      licenseEndDate: '2027-11-26T00:00:00.000Z',
    });
    const exported = await fetch(`${server.baseUrl}/api/companies/search/export`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${resellerToken}`,
        'content-type': 'application/json',
        'x-keepnet-company-id': expiredLeaf,
      },
      body: JSON.stringify(searchBody({ exportType: 'CSV', reportAllPages: true })),
    });
    expect(exported.status).toBe(200);
    const csv = await exported.text();
    expect(csv).toContain(before.name);
    expect(csv).toContain('2027-11-26');

    const after = await getCompany(expiredLeaf);
    expect(after).toEqual({ ...before, licenseEndDate: '2027-11-26T00:00:00.000Z' });
    const audit = await server.storage.db
      .selectFrom('company_audit')
      .selectAll()
      .where('company_resource_id', '=', expiredLeaf)
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'update',
      client_id: server.credentials.reseller.clientId,
      caller_company_resource_id: server.credentials.reseller.companyResourceId,
    });
    expect(Number(audit[0]?.at)).toBe(pinnedClock.now());
    expect(JSON.parse(audit[0]?.changes ?? '{}')).toEqual({
      licenseEndDate: { from: before.licenseEndDate, to: '2027-11-26T00:00:00.000Z' },
    });
  });

  it('creates under the caller, or under the company X-KEEPNET-Company-Id names (JSON), with a logo as multipart', async () => {
    const logo = { type: 'image/png', bytes: Buffer.alloc(300 * 1024, 7) };
    const created = await sendForm(
      server,
      'POST',
      '/api/companies',
      resellerToken,
      formOf(newCompanyBody('Form Co'), logo),
    );
    expect(created.status).toBe(200);
    const id = created.body.data?.resourceId as string;
    expect(id).toMatch(/^[A-Za-z0-9]{12}$/);
    const company = await getCompany(id, resellerToken);
    expect(company).toMatchObject({
      name: 'Form Co',
      industryResourceId: industryId,
      licenseTypeResourceId: licenseTypeId,
      licensePeriodTypeName: '1 Year',
      licenseEndDate: '2027-01-01T00:00:00.000Z',
      isNumberOfUsersLimited: true,
      numberOfUsers: 250,
      timeZoneId: 'Europe/Berlin',
      tags: ['new', 'api'],
    });
    const stored = await server.storage.db
      .selectFrom('companies')
      .select(['path'])
      .where('resource_id', '=', id)
      .executeTakeFirstOrThrow();
    expect(stored.path).toBe(`${resellerPath}${id}/`);

    const underCustomer = await callApi<ServiceResult<{ resourceId: string }>>(server.baseUrl, '/api/companies', {
      token: resellerToken,
      // camelCase property names, as JSON callers send them
      body: Object.fromEntries(
        Object.entries(newCompanyBody('Json Co')).map(([k, v]) => [k.charAt(0).toLowerCase() + k.slice(1), v]),
      ),
      headers: { 'x-keepnet-company-id': id },
    });
    expect(underCustomer.status).toBe(200);
    const child = underCustomer.body.data?.resourceId as string;
    const childRow = await server.storage.db
      .selectFrom('companies')
      .selectAll()
      .where('resource_id', '=', child)
      .executeTakeFirstOrThrow();
    expect(childRow).toMatchObject({ path: `${resellerPath}${id}/${child}/`, reseller_name: 'Form Co' });
    const audit = await server.storage.db
      .selectFrom('company_audit')
      .selectAll()
      .where('company_resource_id', '=', child)
      .execute();
    expect(audit.map((row) => row.action)).toEqual(['create']);
    expect(JSON.parse(audit[0]?.changes ?? '{}').name).toEqual({ from: null, to: 'Json Co' });
    expect(await findTreeInconsistencies(server.storage.db)).toEqual([]);

    // A company with companies below it is not deleted (the vendor's documents do not say what it would do).
    const refused = await callApi(server.baseUrl, `/api/companies/${id}`, { token: resellerToken, method: 'DELETE' });
    expect(refused.status).toBe(400);
    expect(refused.body.validationMessages[0]).toMatch(/^resourceId: "Form Co" has 1 companies below it/);
    for (const gone of [child, id]) {
      const deleted = await callApi(server.baseUrl, `/api/companies/${gone}`, {
        token: resellerToken,
        method: 'DELETE',
      });
      expect(deleted.status).toBe(200);
      expect(deleted.body.data).toEqual({ resourceId: gone });
      expect((await callApi(server.baseUrl, `/api/companies/${gone}`, { token: resellerToken })).status).toBe(404);
    }
    const deletions = await server.storage.db
      .selectFrom('company_audit')
      .selectAll()
      .where('action', '=', 'delete')
      .execute();
    expect(deletions.map((row) => row.company_resource_id).sort()).toEqual([child, id].sort());
    expect(JSON.parse(deletions.find((row) => row.company_resource_id === id)?.changes ?? '{}').name).toEqual({
      from: 'Form Co',
      to: null,
    });
    expect(await findTreeInconsistencies(server.storage.db)).toEqual([]);
  });

  it('a Company Admin updates its own company but not its licence, and writes nothing else', async () => {
    const own = server.credentials.companyAdmin.companyResourceId;
    const before = await getCompany(own);
    const renamed = await callApi(server.baseUrl, `/api/companies/${own}`, {
      token: adminToken,
      method: 'PUT',
      body: { ...companyWriteBodyOf(before), Name: `${before.name} (renamed)` },
    });
    expect(renamed.status).toBe(200);
    expect((await getCompany(own)).name).toBe(`${before.name} (renamed)`);

    const renew = await callApi(server.baseUrl, `/api/companies/${own}`, {
      token: adminToken,
      method: 'PUT',
      body: { ...companyWriteBodyOf(before), LicenseEndDate: '2030-01-01', NumberOfUsers: before.numberOfUsers + 1 },
    });
    expect(renew.status).toBe(403);
    expect(renew.body.message).toContain('LicenseEndDate, NumberOfUsers');
    expect(await getCompany(own)).toEqual({ ...before, name: `${before.name} (renamed)` });

    const other = await callApi(server.baseUrl, `/api/companies/${expiredLeaf}`, {
      token: adminToken,
      method: 'PUT',
      body: companyWriteBodyOf(await getCompany(expiredLeaf)),
    });
    expect(other.status).toBe(403);
    for (const [method, path] of [
      ['POST', '/api/companies'],
      ['DELETE', `/api/companies/${own}`],
    ] as const) {
      const refused = await callApi(server.baseUrl, path, {
        token: adminToken,
        method,
        ...(method === 'POST' && { body: newCompanyBody('x') }),
      });
      expect(refused.status, `${method} ${path}`).toBe(403);
      expect(refused.body.status).toBe('FORBIDDEN');
    }
  });

  it('every error class, in the envelope', async () => {
    const body = companyWriteBodyOf(await getCompany(expiredLeaf));
    const put = (path: string, init: Parameters<typeof callApi>[2]) =>
      callApi(server.baseUrl, path, { method: 'PUT', ...init });

    const anonymous = await put(`/api/companies/${expiredLeaf}`, { body });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.status).toBe('UNAUTHORIZED');

    const unmanaged = await put(`/api/companies/${foreign}`, { token: resellerToken, body });
    expect(unmanaged.status).toBe(403);
    expect(unmanaged.body.message).toContain('is not managed by this client');
    const ownCompany = await put(`/api/companies/${server.credentials.reseller.companyResourceId}`, {
      token: resellerToken,
      body,
    });
    expect(ownCompany.status).toBe(403);
    const createForeign = await callApi(server.baseUrl, '/api/companies', {
      token: resellerToken,
      body: newCompanyBody('x'),
      headers: { 'x-keepnet-company-id': foreign },
    });
    expect(createForeign.status).toBe(403);

    expect((await put('/api/companies/ZZZZZZZZZZZZ', { token: resellerToken, body })).status).toBe(404);
    expect((await put('/api/companies/not-an-id', { token: resellerToken, body })).status).toBe(404);
    const deleteUnknown = await callApi(server.baseUrl, '/api/companies/ZZZZZZZZZZZZ', {
      token: resellerToken,
      method: 'DELETE',
    });
    expect(deleteUnknown.status).toBe(404);

    const bad = await put(`/api/companies/${expiredLeaf}`, {
      token: resellerToken,
      body: { ...body, LicenseEndDate: '31/12/2027', NumberOfUsers: 'many', TimeZoneId: 'Mars/Olympus', Colour: 'red' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.status).toBe('INPUT_ERROR');
    expect(bad.body.validationMessages.join('\n')).toMatch(/NumberOfUsers/);
    expect(bad.body.validationMessages.join('\n')).toMatch(/Colour: is not a known property/);
    const badValues = await put(`/api/companies/${expiredLeaf}`, {
      token: resellerToken,
      body: { ...body, LicenseEndDate: '31/12/2027', TimeZoneId: 'Mars/Olympus' },
    });
    expect(badValues.status).toBe(400);
    expect(badValues.body.validationMessages).toEqual([
      expect.stringMatching(/^LicenseEndDate: /),
      expect.stringMatching(/^TimeZoneId: /),
    ]);
    const missing = await put(`/api/companies/${expiredLeaf}`, {
      token: resellerToken,
      body: { ...body, Name: undefined },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.validationMessages).toContain('Name: is required');
    const unknownIndustry = await put(`/api/companies/${expiredLeaf}`, {
      token: resellerToken,
      body: { ...body, IndustryResourceId: 'ZZZZZZZZZZZZ' },
    });
    expect(unknownIndustry.body.validationMessages).toEqual([
      'IndustryResourceId: no industry has the id "ZZZZZZZZZZZZ"',
    ]);
    const formBad = await sendForm(
      server,
      'PUT',
      `/api/companies/${expiredLeaf}`,
      resellerToken,
      formOf({ ...body, NumberOfUsers: 'lots' as never }),
    );
    expect(formBad.status).toBe(400);
    expect(formBad.body.validationMessages?.[0]).toMatch(/^NumberOfUsers: /);

    const tooLarge = await sendForm(
      server,
      'PUT',
      `/api/companies/${expiredLeaf}`,
      resellerToken,
      formOf(body, { type: 'image/png', bytes: Buffer.alloc(1024 * 1024 + 1) }),
    );
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.body.message).toContain('File: the logo is larger than the 1 MiB limit');
    const wrongFile = await sendForm(
      server,
      'PUT',
      `/api/companies/${expiredLeaf}`,
      resellerToken,
      formOf(body, { type: 'application/x-msdownload', bytes: Buffer.from('MZ') }),
    );
    expect(wrongFile.status).toBe(415);
    expect(wrongFile.body.message).toContain('File: a logo must be one of');
    const text = await put(`/api/companies/${expiredLeaf}`, {
      token: resellerToken,
      rawBody: 'Name=x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(text.body.status).toBe('INPUT_ERROR');

    // Nothing above changed the company.
    expect(companyWriteBodyOf(await getCompany(expiredLeaf))).toEqual(body);
  });
});
