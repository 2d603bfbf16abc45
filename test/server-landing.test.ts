// GET / and GET /docs (pages the server renders itself from its OpenAPI document, nothing from another origin), and
// 405 with Allow for a known path asked with a method it does not take, on both databases.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, fetchToken } from './support/api.js';
import { DATABASE_KINDS } from './support/databases.js';
import { pinnedClock } from './support/pinned-clock.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { schemaViolationsOf } from './support/wire-schemas.js';

describe.each(DATABASE_KINDS)('the server’s pages and wrong methods on %s', (kind) => {
  let server: TestServer;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 40, ...pinnedClock });
    token = await fetchToken(server.baseUrl, server.credentials.reseller);
  });
  afterAll(() => server?.close());

  it('GET / is an HTML page linking the reference and the OpenAPI document', async () => {
    const response = await fetch(`${server.baseUrl}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('href="/docs"');
    expect(html).toContain('href="/openapi.json"');
    // Nothing from another origin, and no script at all.
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toContain('<script');
    expect(response.headers.get('content-security-policy')).toBe(
      "default-src 'none'; style-src 'self'; frame-ancestors 'none'",
    );
  });

  it('GET /docs renders every operation of /openapi.json with its parameters, body fields and answers', async () => {
    const openapi = (await callApi(server.baseUrl, '/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const response = await fetch(`${server.baseUrl}/docs`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await response.text();
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(html).not.toContain('<script');
    const operations = Object.entries(openapi.paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => [method.toUpperCase(), path] as const),
    );
    expect(operations.length).toBeGreaterThanOrEqual(10);
    for (const [method, path] of operations) {
      expect(html, `${method} ${path}`).toContain(`<span class="method">${method}</span> <code>${path}</code>`);
    }
    expect(html).toContain('<code>filter.FilterGroups</code>');
    expect(html).toContain('<code>data.results[].companyResourceId</code>');
    expect(html).toContain('<code>licenseStartDate</code>');
    // docs/api.md, written for users, names every route the server documents.
    const guide = readFileSync(new URL('../docs/api.md', import.meta.url), 'utf8');
    for (const [method, path] of operations) {
      if (path === '/openapi.json') continue;
      expect(guide, `docs/api.md: ${method} ${path}`).toContain(`${method} ${path}`);
    }
    const css = await fetch(`${server.baseUrl}/docs/lapse.css`);
    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it.each([
    ['GET', '/api/companies/search', 'POST'],
    ['PUT', '/api/companies/search', 'POST'],
    ['GET', '/api/companies/search/export', 'POST'],
    ['DELETE', '/api/companies/my', 'GET, HEAD'],
    ['PATCH', '/api/companies/AAAAAAAAAAAA/license-check', 'GET, HEAD'],
    ['GET', '/api/companies/licenseexpirydate', 'POST'],
    ['POST', '/api/lookups/licenses', 'GET, HEAD'],
    ['GET', '/connect/token', 'POST'],
    ['POST', '/healthz', 'GET, HEAD'],
  ])('%s %s is a 405 with Allow: %s in the envelope', async (method, path, allow) => {
    const response = await callApi(server.baseUrl, path, { method, token });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe(allow);
    expect(schemaViolationsOf('errorResult', response.body)).toEqual([]);
    expect(response.body).toMatchObject({
      data: null,
      status: 'INPUT_ERROR',
      message: `${method} is not allowed on ${path}; it takes ${allow}.`,
    });
  });

  it('a path no route knows stays a 404, and the right method still works', async () => {
    const unknown = await callApi(server.baseUrl, '/api/nothing/here', { token });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ status: 'NOT_FOUND', message: 'No route GET /api/nothing/here.' });
    const my = await callApi(server.baseUrl, '/api/companies/my', { token });
    expect(my.status).toBe(200);
  });
});
