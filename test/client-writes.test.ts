// The SDK's writes (client.companies.create/update/change/remove, client.clients.*) against a real server on both
// databases: typed results, typed errors, and a customer client made, rotated and disabled through the SDK.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthError, createClient, ForbiddenError, NotFoundError, ValidationError } from '../src/client/index.js';
import { companyWriteBodyOf } from '../src/contract/index.js';
import { DATABASE_KINDS } from './support/databases.js';
import { pinnedClock } from './support/pinned-clock.js';
import { startTestServer, type TestCredential, type TestServer } from './support/test-server.js';

describe.each(DATABASE_KINDS)('SDK writes on %s', (kind) => {
  let server: TestServer;
  const clientFor = (credential: Pick<TestCredential, 'clientId' | 'clientSecret'>, companyId?: string) =>
    createClient({
      baseUrl: server.baseUrl,
      clientId: credential.clientId,
      clientSecret: credential.clientSecret,
      companyId,
      now: pinnedClock.now,
      retry: { baseDelayMs: 5 },
    });

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 80, ...pinnedClock });
  });
  afterAll(() => server?.close());

  it('creates, renews (change), updates and removes a company', async () => {
    const reseller = clientFor(server.credentials.reseller);
    const template = await reseller.companies.get(server.credentials.subReseller.companyResourceId);
    const created = await reseller.companies.create(
      { ...companyWriteBodyOf(template), Name: 'SDK Customer', Tags: ['sdk'] },
      { companyId: server.credentials.subReseller.companyResourceId },
    );
    expect(created).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(await reseller.companies.get(created)).toMatchObject({ name: 'SDK Customer', tags: ['sdk'] });

    await reseller.companies.change(created, { LicenseEndDate: '2028-02-29' });
    const renewed = await reseller.companies.get(created);
    expect(renewed.licenseEndDate).toBe('2028-02-29T00:00:00.000Z');
    await reseller.companies.update(created, { ...companyWriteBodyOf(renewed), NumberOfUsers: 9 });
    expect((await reseller.companies.get(created)).numberOfUsers).toBe(9);

    await expect(reseller.companies.change(created, { LicenseEndDate: '29/02/2028' })).rejects.toMatchObject({
      constructor: ValidationError,
      validationMessages: [expect.stringMatching(/^LicenseEndDate: /)],
    });
    expect(await reseller.companies.remove(created)).toBe(created);
    await expect(reseller.companies.get(created)).rejects.toBeInstanceOf(NotFoundError);
    const admin = clientFor(server.credentials.companyAdmin);
    await expect(admin.companies.remove(server.credentials.companyAdmin.companyResourceId)).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it('makes a customer client, whose token carries its role, then rotates and disables it', async () => {
    const customer = server.credentials.subReseller.companyResourceId;
    const reseller = clientFor(server.credentials.reseller, customer);
    const roles = await reseller.clients.roles();
    const adminRole = roles.find((role) => role.name === 'Company Admin')?.resourceId as string;
    const credentials = await reseller.clients.generateCredentials();
    const body = { name: 'SDK client', ...credentials, statusId: 1, roleResourceIdList: [adminRole] };
    const resourceId = await reseller.clients.create(body);
    expect(await reseller.clients.get(resourceId)).toMatchObject({
      clientId: credentials.clientId,
      clientSecret: null,
    });
    // A text with a space: the search also matches client ids, and a random one (base64url) may hold "sdk".
    const page = await reseller.clients.search({ filter: { SearchInputTextValue: 'SDK client' } });
    expect(page.results.map((client) => client.resourceId)).toEqual([resourceId]);

    const made = clientFor(credentials);
    expect((await made.whoami()).claims.role).toBe('Company Admin');
    await expect(made.companies.search()).rejects.toBeInstanceOf(ForbiddenError);
    expect((await made.companies.my()).map((node) => node.resourceId)).toEqual([customer]);

    const { clientSecret: _old, ...rest } = body;
    const rotated = await reseller.clients.rotate(resourceId, rest);
    await expect(clientFor(credentials).whoami()).rejects.toBeInstanceOf(AuthError);
    expect((await clientFor({ clientId: credentials.clientId, clientSecret: rotated }).whoami()).claims.role).toBe(
      'Company Admin',
    );
    await reseller.clients.update(resourceId, { ...rest, clientSecret: rotated, statusId: 2 });
    await expect(clientFor({ clientId: credentials.clientId, clientSecret: rotated }).whoami()).rejects.toBeInstanceOf(
      AuthError,
    );

    const file = await reseller.clients.export({
      exportType: 'CSV',
      reportAllPages: true,
      filter: { SearchInputTextValue: 'sdk CLIENT' },
    });
    expect(file).toMatchObject({ contentType: 'text/csv; charset=utf-8', fileName: 'Clients.csv', totalCount: 1 });
    expect(await new Response(file.stream).text()).toContain('SDK client');
    expect(await reseller.clients.remove(resourceId)).toBe(resourceId);
    await expect(reseller.clients.get(resourceId)).rejects.toBeInstanceOf(NotFoundError);
  });
});
