// Security headers and X-Request-Id on every kind of response (contract §2), and CORS only where configured.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, checkedBytes, fetchToken, searchBody } from './support/api.js';
import { pinnedClock } from './support/pinned-clock.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const SECURITY_HEADERS = ['x-content-type-options', 'x-frame-options', 'referrer-policy', 'content-security-policy'];
const DASHBOARD_ORIGIN = 'http://127.0.0.1:5173';

type Exchange = [name: string, path: string, init: RequestInit];

function exchanges(token: string, adminToken: string): Exchange[] {
  const json = (body: unknown, extra: Record<string, string> = {}): RequestInit => ({
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...extra },
    body: JSON.stringify(body),
  });
  const form = (body: string): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
  });
  return [
    ['search (JSON)', '/api/companies/search', json(searchBody())],
    [
      'export (CSV stream)',
      '/api/companies/search/export',
      json({ ...searchBody({ pageSize: 5 }), exportType: 'CSV' }),
    ],
    [
      'export (Excel stream)',
      '/api/companies/search/export',
      json({ ...searchBody({ pageSize: 5 }), exportType: 'Excel' }),
    ],
    ['400', '/api/companies/search', json({ pageNumber: 0 })],
    ['401', '/api/companies/search', { method: 'POST', body: '{}' }],
    ['403 (role)', '/api/companies/search', json(searchBody(), { authorization: `Bearer ${adminToken}` })],
    ['404 (scope)', '/api/companies/search', json(searchBody(), { 'x-keepnet-company-id': 'ZZZZZZZZZZZZ' })],
    ['404 (route)', '/nothing/here', {}],
    ['413', '/api/companies/search', json({ padding: 'x'.repeat(70_000) })],
    ['415', '/api/companies/search', { ...json(searchBody()), headers: { authorization: `Bearer ${token}` } }],
    ['token (400 OAuth error)', '/connect/token', form('grant_type=password')],
    ['jwks', '/.well-known/jwks.json', {}],
    ['openapi', '/openapi.json', {}],
    ['healthz', '/healthz', {}],
    ['readyz', '/readyz', {}],
  ];
}

describe('response headers', () => {
  let server: TestServer;
  let withCors: TestServer;
  let token: string;
  let adminToken: string;

  beforeAll(async () => {
    [server, withCors] = await Promise.all([
      startTestServer({ companies: 60, ...pinnedClock }),
      startTestServer({ companies: 60, ...pinnedClock, config: { corsOrigins: [DASHBOARD_ORIGIN] } }),
    ]);
    token = await fetchToken(server.baseUrl, server.credentials.root);
    adminToken = await fetchToken(server.baseUrl, server.credentials.companyAdmin);
  });
  afterAll(async () => {
    await server?.close();
    await withCors?.close();
  });

  it('every response carries the security headers and an X-Request-Id, and no CORS header', async () => {
    const statuses: Record<string, number> = {};
    for (const [name, path, init] of exchanges(token, adminToken)) {
      const response = await fetch(`${server.baseUrl}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string>), origin: DASHBOARD_ORIGIN },
      });
      await checkedBytes(init.method ?? 'GET', path, response);
      statuses[name] = response.status;
      for (const header of SECURITY_HEADERS) expect(response.headers.get(header), `${name}: ${header}`).toBeTruthy();
      expect(response.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(response.headers.get('x-request-id'), name).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
      expect(response.headers.get('access-control-allow-origin'), name).toBeNull();
    }
    // Each exchange reached the answer it names, so every kind of response was looked at.
    expect(statuses).toMatchObject({
      'search (JSON)': 200,
      'export (CSV stream)': 200,
      'export (Excel stream)': 200,
      '400': 400,
      '401': 401,
      '403 (role)': 403,
      '404 (scope)': 404,
      '404 (route)': 404,
      '413': 413,
      '415': 415,
      'token (400 OAuth error)': 400,
      jwks: 200,
      openapi: 200,
      healthz: 200,
      readyz: 200,
    });
  });

  it('no preflight answer without configured origins', async () => {
    const preflight = await fetch(`${server.baseUrl}/api/companies/search`, {
      method: 'OPTIONS',
      headers: { origin: DASHBOARD_ORIGIN, 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.status).toBeGreaterThanOrEqual(400);
  });

  it('with configured origins: CORS for a listed origin only, never a wildcard', async () => {
    const corsToken = await fetchToken(withCors.baseUrl, withCors.credentials.root);
    const searchFrom = (origin: string) =>
      callApi(withCors.baseUrl, '/api/companies/search', { token: corsToken, body: searchBody(), headers: { origin } });
    const listed = await searchFrom(DASHBOARD_ORIGIN);
    expect(listed.status).toBe(200);
    expect(listed.headers.get('access-control-allow-origin')).toBe(DASHBOARD_ORIGIN);
    expect(listed.headers.get('vary')).toContain('Origin');
    for (const origin of ['http://evil.example', 'null', `${DASHBOARD_ORIGIN}.evil.example`, 'http://127.0.0.1:5174']) {
      const other = await searchFrom(origin);
      expect(other.headers.get('access-control-allow-origin'), origin).toBeNull();
    }
    const preflight = (origin: string) =>
      fetch(`${withCors.baseUrl}/api/companies/search`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST' },
      });
    const allowed = await preflight(DASHBOARD_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(DASHBOARD_ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('Authorization');
    const refused = await preflight('http://evil.example');
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    for (const header of SECURITY_HEADERS) expect(refused.headers.get(header)).toBeTruthy();
  });
});
