// contract §1 and §7: POST /connect/token (form and Basic client authentication, OAuth errors, the JWT and its
// claims verified against the published JWKS), failed-attempt throttling, and keys that survive a restart.
import { createLocalJWKSet, type JWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSION } from '../src/contract/index.js';
import { buildApp } from '../src/server/app.js';
import { serverConfig } from '../src/server/config.js';
import { type ApiResponse, callApi } from './support/api.js';
import { type CompanyTree, disableCredential, readCompanyTree } from './support/company-rows.js';
import { DATABASE_KINDS } from './support/databases.js';
import { PINNED_NOW_MS, pinnedClock } from './support/pinned-clock.js';
import { startTestServer, type TestCredential, type TestServer } from './support/test-server.js';

const ISSUER = 'lapse-test';
/** contract §10: every role may call the licence reads. */
const LICENCE_READS = [
  PERMISSION.licenseCheck,
  PERMISSION.licenseExpiryDate,
  PERMISSION.currentTime,
  PERMISSION.licenseLookups,
];

interface TokenRequest {
  fields?: Record<string, string>;
  basic?: { id: string; secret: string };
  contentType?: string;
  rawBody?: string;
}

function requestToken(baseUrl: string, request: TokenRequest): Promise<ApiResponse> {
  const headers: Record<string, string> = {
    'content-type': request.contentType ?? 'application/x-www-form-urlencoded',
  };
  if (request.basic) {
    const pair = `${encodeURIComponent(request.basic.id)}:${encodeURIComponent(request.basic.secret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  const rawBody = request.rawBody ?? new URLSearchParams(request.fields ?? {}).toString();
  return callApi(baseUrl, '/connect/token', { rawBody, headers });
}

const formOf = (credential: TestCredential, extra: Record<string, string> = {}) => ({
  grant_type: 'client_credentials',
  client_id: credential.clientId,
  client_secret: credential.clientSecret,
  scope: 'api1',
  ...extra,
});

function expectOAuthError(response: ApiResponse, httpStatus: number, error: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(httpStatus);
  expect(response.body.error).toBe(error);
  expect(typeof response.body.error_description).toBe('string');
}

describe.each(DATABASE_KINDS)('the token endpoint on %s', (kind) => {
  let server: TestServer;
  let tree: CompanyTree;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 300, ...pinnedClock });
    tree = await readCompanyTree(server.databaseLocation);
  });
  afterAll(() => server?.close());

  async function verifiedClaims(accessToken: string) {
    const jwks = await callApi<{ keys: JWK[] }>(server.baseUrl, '/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    const { payload, protectedHeader } = await jwtVerify(accessToken, createLocalJWKSet(jwks.body), {
      currentDate: new Date(PINNED_NOW_MS),
      issuer: ISSUER,
    });
    expect(['EdDSA', 'ES256']).toContain(protectedHeader.alg);
    return payload;
  }

  it('issues a token for a form body, with no-store and the contract fields', async () => {
    const response = await requestToken(server.baseUrl, { fields: formOf(server.credentials.reseller) });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toContain('no-store');
    expect(response.body).toMatchObject({ expires_in: 3600, token_type: 'Bearer', scope: 'api1' });
    expect([...response.body.permissions].sort()).toEqual(Object.values(PERMISSION).sort());
  });

  it('issues a token with HTTP Basic client authentication and scope omitted', async () => {
    const { clientId, clientSecret } = server.credentials.companyAdmin;
    const response = await requestToken(server.baseUrl, {
      basic: { id: clientId, secret: clientSecret },
      fields: { grant_type: 'client_credentials' },
    });
    expect(response.status).toBe(200);
    expect([...response.body.permissions].sort()).toEqual(
      [PERMISSION.my, PERMISSION.get, PERMISSION.update, ...LICENCE_READS].sort(),
    );
    const my = await callApi(server.baseUrl, '/api/companies/my', { token: response.body.access_token });
    expect(my.status).toBe(200);
  });

  it('the JWT verifies against the JWKS and carries every claim of the contract', async () => {
    for (const name of ['reseller', 'companyAdmin', 'root'] as const) {
      const credential = server.credentials[name];
      const response = await requestToken(server.baseUrl, { fields: formOf(credential) });
      const claims = await verifiedClaims(response.body.access_token);
      const company = tree.company(credential.companyResourceId);
      const parent = tree.parent(company);
      const role = { reseller: 'Reseller', companyAdmin: 'Company Admin', root: 'Root' }[name];
      expect(claims).toMatchObject({
        iss: ISSUER,
        sub: credential.clientId,
        client_id: credential.clientId,
        iat: PINNED_NOW_MS / 1000,
        exp: PINNED_NOW_MS / 1000 + 3600,
        scope: ['api1'],
        role,
        reseller_access: name !== 'companyAdmin',
        company_admin_access: true,
        root_access: name === 'root',
        user_company_resourceid: company.resourceId,
        user_company_name: company.name,
      });
      expect(claims.user_company_id).toBe(company.id);
      expect(typeof claims.jti).toBe('string');
      expect(claims.user_company_parentcompany_resourceid).toBe(parent?.resourceId);
      expect(claims.user_company_parentcompany_name).toBe(parent?.name);
    }
    // Root is the top of the tree: no parent claims at all; the others have one.
    expect(tree.parent(tree.company(server.credentials.root.companyResourceId))).toBeUndefined();
  });

  it('every token has its own jti', async () => {
    const ids = new Set<unknown>();
    for (let i = 0; i < 3; i++) {
      const response = await requestToken(server.baseUrl, { fields: formOf(server.credentials.reseller) });
      ids.add((await verifiedClaims(response.body.access_token)).jti);
    }
    expect(ids.size).toBe(3);
  });

  it('answers 50 token requests one client sends at once, every one 200: a burst waits for the secret checks', async () => {
    // 50 connections renewing together (a job's workers all starting at once) are one client's
    // burst, not a flood of guesses.
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => requestToken(server.baseUrl, { fields: formOf(server.credentials.reseller) })),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses, JSON.stringify(answers.find((answer) => answer.status !== 200)?.body)).toEqual(
      statuses.map(() => 200),
    );
  });

  it('a JSON body is invalid_request and asks for form-encoding', async () => {
    const response = await requestToken(server.baseUrl, {
      contentType: 'application/json',
      rawBody: JSON.stringify(formOf(server.credentials.reseller)),
    });
    expectOAuthError(response, 400, 'invalid_request');
    expect(response.body.error_description).toMatch(/form-encoded/i);
  });

  it.each(['grant_type', 'client_id', 'client_secret'])('a missing %s is invalid_request', async (field) => {
    const fields = formOf(server.credentials.reseller);
    delete (fields as Record<string, string>)[field];
    expectOAuthError(await requestToken(server.baseUrl, { fields }), 400, 'invalid_request');
  });

  it('a wrong secret or unknown client is invalid_client (401 + Basic challenge when Basic was used)', async () => {
    const { clientId } = server.credentials.reseller;
    const wrong = formOf(server.credentials.reseller, { client_secret: 'not-the-secret' });
    const formAnswer = await requestToken(server.baseUrl, { fields: wrong });
    expectOAuthError(formAnswer, 400, 'invalid_client');
    expect(formAnswer.headers.get('cache-control')).toContain('no-store');
    const unknown = await requestToken(server.baseUrl, { fields: { ...wrong, client_id: 'nobody' } });
    expectOAuthError(unknown, 400, 'invalid_client');
    const basicAnswer = await requestToken(server.baseUrl, {
      basic: { id: clientId, secret: 'not-the-secret' },
      fields: { grant_type: 'client_credentials' },
    });
    expectOAuthError(basicAnswer, 401, 'invalid_client');
    expect(basicAnswer.headers.get('www-authenticate')).toMatch(/^Basic/);
  });

  it('a disabled credential is invalid_client', async () => {
    const credential = await server.addCredential(server.credentials.reseller.companyResourceId, 'Reseller');
    expect((await requestToken(server.baseUrl, { fields: formOf(credential) })).status).toBe(200);
    await disableCredential(server.databaseLocation, credential.clientId);
    expectOAuthError(await requestToken(server.baseUrl, { fields: formOf(credential) }), 400, 'invalid_client');
  });

  it('another grant type is unsupported_grant_type; another scope is invalid_scope', async () => {
    const credential = server.credentials.reseller;
    const grant = await requestToken(server.baseUrl, { fields: formOf(credential, { grant_type: 'password' }) });
    expectOAuthError(grant, 400, 'unsupported_grant_type');
    const scope = await requestToken(server.baseUrl, { fields: formOf(credential, { scope: 'other' }) });
    expectOAuthError(scope, 400, 'invalid_scope');
  });

  it('a restarted server on the same database verifies the tokens of the first one', async () => {
    const response = await requestToken(server.baseUrl, { fields: formOf(server.credentials.reseller) });
    const restarted = await buildApp(
      serverConfig({ database: server.databaseLocation, port: 0, issuer: ISSUER, logger: false, now: pinnedClock.now }),
    );
    try {
      const baseUrl = await restarted.listen({ host: '127.0.0.1', port: 0 });
      const my = await callApi(baseUrl, '/api/companies/my', { token: response.body.access_token });
      expect(my.status).toBe(200);
      const jwks = await callApi(baseUrl, '/.well-known/jwks.json');
      expect(jwks.body).toEqual((await callApi(server.baseUrl, '/.well-known/jwks.json')).body);
    } finally {
      await restarted.close();
    }
  });
});

describe.each(DATABASE_KINDS)('failed token requests are throttled on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 120, ...pinnedClock, config: { failedTokenLimitPerMinute: 3 } });
  });
  afterAll(() => server?.close());

  it('the 4th wrong attempt is refused with 429, and then even the right secret is', async () => {
    const credential = server.credentials.reseller;
    const wrong = formOf(credential, { client_secret: 'guess' });
    for (let attempt = 1; attempt <= 3; attempt++) {
      expectOAuthError(await requestToken(server.baseUrl, { fields: wrong }), 400, 'invalid_client');
    }
    const fourth = await requestToken(server.baseUrl, { fields: wrong });
    expect(fourth.status).toBe(429);
    expect(Number(fourth.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const right = await requestToken(server.baseUrl, { fields: formOf(credential) });
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toBeTruthy();
    expect(right.body.access_token).toBeUndefined();
  });
});
