// contract §2: every error row of the envelope table over real HTTP (400, 401, 403, 404, 413, 415, 429), the
// request id on every response, and the body's accepted spellings (camelCase/PascalCase, null filter).
import { decodeJwt, decodeProtectedHeader, generateKeyPair, type JWK, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_BY_ACCEPTED } from '../src/contract/index.js';
import { type ApiResponse, callApi, fetchToken, searchBody } from './support/api.js';
import { disableCredential } from './support/company-rows.js';
import { DATABASE_KINDS } from './support/databases.js';
import { PINNED_NOW_MS, PINNED_TODAY } from './support/pinned-clock.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const SEARCH = '/api/companies/search';
const INVALID_TOKEN_CHALLENGE = 'Bearer error="invalid_token"';

function expectServiceError(response: ApiResponse, httpStatus: number, status: string) {
  expect(response.status, JSON.stringify(response.body)).toBe(httpStatus);
  expect(response.body).toMatchObject({ data: null, status });
  expect(response.headers.get('x-request-id')).toBeTruthy();
}

function expectInputError(response: ApiResponse, ...pathFragments: string[]) {
  expectServiceError(response, 400, 'INPUT_ERROR');
  expect(response.body.message).toBe('Invalid request');
  expect(Array.isArray(response.body.validationMessages)).toBe(true);
  expect(response.body.validationMessages.length).toBeGreaterThan(0);
  const lines = response.body.validationMessages.join('\n');
  for (const fragment of pathFragments) expect(lines).toContain(fragment);
}

const item = (FieldName: string, Operator: string, Value: unknown) => ({ FieldName, Operator, Value });
const filterOf = (...items: unknown[]) => ({ FilterGroups: [{ Condition: 'AND', FilterItems: items }] });

/** Groups nested `depth` deep, one item in the deepest. */
function nestedFilter(depth: number) {
  let group: Record<string, unknown> = { FilterItems: [item('CompanyName', 'Contains', 'a')] };
  for (let level = 1; level < depth; level++) group = { Condition: 'OR', FilterGroups: [group] };
  return { FilterGroups: [group] };
}

/** One group holding `count` items. */
const groupOf = (count: number) => ({ FilterItems: Array.from({ length: count }, () => item('Tags', '!=', 'x')) });

const { orderBy: _omitted, ...bodyWithoutOrderBy } = searchBody();

const BAD_BODIES: [string, unknown, string[]][] = [
  ['pageNumber as a string', searchBody({ pageNumber: '1' }), ['pageNumber']],
  ['ascending as "yes"', searchBody({ ascending: 'yes' }), ['ascending']],
  ['pageNumber 0', searchBody({ pageNumber: 0 }), ['pageNumber']],
  ['pageSize 0', searchBody({ pageSize: 0 }), ['pageSize']],
  ['pageSize 1001', searchBody({ pageSize: 1001 }), ['pageSize', '1000']],
  ['a fractional pageSize', searchBody({ pageSize: 10.5 }), ['pageSize']],
  ['a missing orderBy', bodyWithoutOrderBy, ['orderBy']],
  ['an unknown orderBy', searchBody({ orderBy: 'Bogus' }), ['orderBy', ...ORDER_BY_ACCEPTED]],
  ['an unknown property', searchBody({ bogus: 1 }), ['bogus']],
  [
    'an unknown filter field',
    searchBody({ filter: filterOf(item('Colour', '=', 'red')) }),
    ['filter.FilterGroups[0].FilterItems[0].FieldName'],
  ],
  [
    'a text field with >',
    searchBody({ filter: filterOf(item('CompanyName', '>', 'a')) }),
    ['filter.FilterGroups[0].FilterItems[0].Operator'],
  ],
  [
    'a month field with Contains (MonthlyActiveUser picks a month: = only)',
    searchBody({ filter: filterOf(item('MonthlyActiveUser', 'Contains', '2026')) }),
    ['filter.FilterGroups[0].FilterItems[0].Operator'],
  ],
  [
    'a number field with a word',
    searchBody({ filter: filterOf(item('NumberOfUsers', '>', 'many')) }),
    ['filter.FilterGroups[0].FilterItems[0].Value'],
  ],
  [
    'LicenceExpired with "yes"',
    searchBody({ filter: filterOf(item('LicenceExpired', '=', 'yes')) }),
    ['filter.FilterGroups[0].FilterItems[0].Value'],
  ],
  [
    'a Value that is a number',
    searchBody({ filter: filterOf(item('TargetUserCount', '=', 5)) }),
    ['filter.FilterGroups[0].FilterItems[0].Value'],
  ],
  [
    'a Condition that is neither AND nor OR',
    searchBody({ filter: { Condition: 'XOR', FilterGroups: [] } }),
    ['filter.Condition'],
  ],
  ['groups nested 6 deep', searchBody({ filter: nestedFilter(6) }), ['filter.FilterGroups[0]']],
  ['101 filter items', searchBody({ filter: { FilterGroups: [groupOf(101)] } }), ['filter']],
  ['101 items across groups', searchBody({ filter: { FilterGroups: [groupOf(60), groupOf(41)] } }), ['filter']],
  ['a JSON array', [], ['body']],
  ['a JSON string', 'search', ['body']],
];

describe.each(DATABASE_KINDS)('error answers on %s', (kind) => {
  let server: TestServer;
  let limited: TestServer;
  let clockMs = PINNED_NOW_MS;
  let token: string;

  beforeAll(async () => {
    [server, limited] = await Promise.all([
      startTestServer({ kind, companies: 300, today: PINNED_TODAY, now: () => clockMs }),
      startTestServer({ kind, companies: 120, today: PINNED_TODAY, now: () => PINNED_NOW_MS, rateLimitPerMinute: 5 }),
    ]);
    token = await fetchToken(server.baseUrl, server.credentials.root);
  });
  afterAll(async () => {
    await server?.close();
    await limited?.close();
  });

  const search = (init: Parameters<typeof callApi>[2] = {}) => callApi(server.baseUrl, SEARCH, { token, ...init });

  describe('400 INPUT_ERROR naming the JSON path', () => {
    it.each(BAD_BODIES)('%s', async (_name, body, fragments) => {
      expectInputError(await search({ body }), ...fragments);
    });

    it('a body that is not JSON', async () => {
      const response = await search({ rawBody: '{"pageNumber": 1,', headers: { 'content-type': 'application/json' } });
      expectInputError(response, 'body');
    });

    it('the limits themselves are accepted: groups 5 deep, 100 items', async () => {
      expect((await search({ body: searchBody({ filter: nestedFilter(5) }) })).status).toBe(200);
      const hundred = { FilterGroups: [groupOf(60), groupOf(40)] };
      expect((await search({ body: searchBody({ filter: hundred }) })).status).toBe(200);
    });

    it('several problems give one line each', async () => {
      const response = await search({ body: searchBody({ pageNumber: '1', ascending: 'yes' }) });
      expectInputError(response, 'pageNumber', 'ascending');
    });
  });

  describe('401 UNAUTHORIZED with a Bearer challenge', () => {
    async function forgedTokens(): Promise<Record<string, string>> {
      const claims = decodeJwt(token);
      const { kid } = decodeProtectedHeader(token);
      const otherKey = await generateKeyPair('EdDSA', { crv: 'Ed25519' });
      const jwks = (await callApi<{ keys: JWK[] }>(server.baseUrl, '/.well-known/jwks.json')).body;
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      const [header, , signature] = token.split('.');
      return {
        'signed by another Ed25519 key': await new SignJWT(claims)
          .setProtectedHeader({ alg: 'EdDSA', kid: kid as string, typ: 'JWT' })
          .sign(otherKey.privateKey),
        'with alg none': `${encode({ alg: 'none', typ: 'JWT' })}.${encode(claims)}.`,
        'HS256 signed with the public JWK': await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256', kid: kid as string, typ: 'JWT' })
          .sign(new TextEncoder().encode(JSON.stringify(jwks.keys[0]))),
        'with a payload changed after signing': `${header}.${encode({ ...claims, role: 'Root', sub: 'other' })}.${signature}`,
      };
    }

    async function expectUnauthorized(authorization: string | undefined) {
      const response = await callApi(server.baseUrl, SEARCH, {
        body: searchBody(),
        headers: authorization === undefined ? {} : { authorization },
      });
      expectServiceError(response, 401, 'UNAUTHORIZED');
      expect(response.headers.get('www-authenticate')).toBe(INVALID_TOKEN_CHALLENGE);
    }

    it('no token, or a garbage one', async () => {
      await expectUnauthorized(undefined);
      await expectUnauthorized('Bearer garbage');
      await expectUnauthorized('Bearer a.b.c');
      await expectUnauthorized(`Basic ${Buffer.from('a:b').toString('base64')}`);
    });

    it('forged tokens', async () => {
      const forged = await forgedTokens();
      expect(Object.keys(forged)).toHaveLength(4);
      for (const [name, forgedToken] of Object.entries(forged)) {
        await expect(expectUnauthorized(`Bearer ${forgedToken}`), name).resolves.toBeUndefined();
      }
    });

    it('an expired token', async () => {
      const fresh = await fetchToken(server.baseUrl, server.credentials.reseller);
      expect((await search({ token: fresh, body: searchBody() })).status).toBe(200);
      clockMs = PINNED_NOW_MS + 3601_000;
      try {
        await expectUnauthorized(`Bearer ${fresh}`);
      } finally {
        clockMs = PINNED_NOW_MS;
      }
    });

    it('a token of a credential disabled since', async () => {
      const credential = await server.addCredential(server.credentials.reseller.companyResourceId, 'Reseller');
      const issued = await fetchToken(server.baseUrl, credential);
      expect((await search({ token: issued, body: searchBody() })).status).toBe(200);
      await disableCredential(server.databaseLocation, credential.clientId);
      await expectUnauthorized(`Bearer ${issued}`);
    });
  });

  it('403 FORBIDDEN for a role that may not call the endpoint', async () => {
    const adminToken = await fetchToken(server.baseUrl, server.credentials.companyAdmin);
    expectServiceError(await search({ token: adminToken, body: searchBody() }), 403, 'FORBIDDEN');
  });

  it('404 NOT_FOUND for an unknown company and an unknown route', async () => {
    expectServiceError(await callApi(server.baseUrl, '/api/companies/ZZZZZZZZZZZZ', { token }), 404, 'NOT_FOUND');
    expectServiceError(await callApi(server.baseUrl, '/api/nothing-here', { token }), 404, 'NOT_FOUND');
    expectServiceError(
      await callApi(server.baseUrl, '/api/companies/search/nothing', { token, body: {} }),
      404,
      'NOT_FOUND',
    );
  });

  it('413 for a body one byte over 64 KiB, 200 at exactly 64 KiB', async () => {
    const json = JSON.stringify(searchBody());
    const padded = (size: number) => `${json.slice(0, -1)}${' '.repeat(size - json.length)}}`;
    const over = await search({ rawBody: padded(64 * 1024 + 1), headers: { 'content-type': 'application/json' } });
    expectServiceError(over, 413, 'INPUT_ERROR');
    const at = await search({ rawBody: padded(64 * 1024), headers: { 'content-type': 'application/json' } });
    expect(at.status).toBe(200);
  });

  it('415 for text/plain and form bodies', async () => {
    const json = JSON.stringify(searchBody());
    expectServiceError(await search({ rawBody: json, headers: { 'content-type': 'text/plain' } }), 415, 'INPUT_ERROR');
    const form = new URLSearchParams({ pageNumber: '1', pageSize: '10', orderBy: 'CompanyName', ascending: 'true' });
    const response = await search({
      rawBody: form.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectServiceError(response, 415, 'INPUT_ERROR');
  });

  it.each(['application/vnd.foo+json', 'text/json', 'application/json; charset=utf-8'])(
    '%s is accepted as JSON',
    async (contentType) => {
      const response = await search({
        rawBody: JSON.stringify(searchBody()),
        headers: { 'content-type': contentType },
      });
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('SUCCESS');
    },
  );

  it('429 RATE_LIMITED with Retry-After once a client is over its limit', async () => {
    const limitedToken = await fetchToken(limited.baseUrl, limited.credentials.reseller);
    const statuses: number[] = [];
    let refused: ApiResponse | undefined;
    for (let attempt = 0; attempt < 10; attempt++) {
      const response = await callApi(limited.baseUrl, SEARCH, { token: limitedToken, body: searchBody() });
      statuses.push(response.status);
      if (response.status === 429) refused ??= response;
    }
    const firstRefusal = statuses.indexOf(429);
    expect(firstRefusal).toBeGreaterThan(0);
    expect(firstRefusal).toBeLessThanOrEqual(5);
    expect(statuses.slice(0, firstRefusal).every((status) => status === 200)).toBe(true);
    // The clock is pinned, so the bucket never refills: every later call is refused too.
    expect(statuses.slice(firstRefusal).every((status) => status === 429)).toBe(true);
    expectServiceError(refused as ApiResponse, 429, 'RATE_LIMITED');
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Another client is not affected.
    const otherToken = await fetchToken(limited.baseUrl, limited.credentials.subReseller);
    expect((await callApi(limited.baseUrl, SEARCH, { token: otherToken, body: searchBody() })).status).toBe(200);
  });

  describe('X-Request-Id', () => {
    it('echoes a sane request id, on success and on errors', async () => {
      for (const init of [
        { body: searchBody() },
        { body: searchBody({ pageSize: 0 }) },
        { body: searchBody(), token: '' },
      ]) {
        const response = await search({ ...init, headers: { 'x-request-id': 'trace-42.abc:1' } });
        expect(response.headers.get('x-request-id')).toBe('trace-42.abc:1');
      }
      const health = await callApi(server.baseUrl, '/healthz', { headers: { 'x-request-id': 'probe-1' } });
      expect(health.headers.get('x-request-id')).toBe('probe-1');
    });

    it('replaces a hostile one', async () => {
      for (const hostile of ['x'.repeat(300), 'has spaces in it', 'quote"and<tag>']) {
        const response = await search({ body: searchBody(), headers: { 'x-request-id': hostile } });
        const replaced = response.headers.get('x-request-id');
        expect(replaced).toBeTruthy();
        expect(replaced).not.toBe(hostile);
        expect(replaced).toMatch(/^[A-Za-z0-9._:-]{1,128}$/);
      }
    });
  });

  describe('accepted spellings of the body', () => {
    const filter = {
      Condition: 'OR',
      FilterGroups: [
        { Condition: 'AND', FilterItems: [item('CompanyName', 'Contains', 'a'), item('TargetUserCount', '>', '10')] },
        { FilterItems: [item('LicenceExpired', '=', 'true')] },
      ],
    };

    it('camelCase and PascalCase keys give identical results', async () => {
      const camel = await search({ body: searchBody({ pageSize: 500, filter }) });
      const pascal = await search({
        body: {
          PageNumber: 1,
          PageSize: 500,
          OrderBy: 'CompanyName',
          Ascending: true,
          Filter: {
            condition: 'OR',
            filterGroups: filter.FilterGroups.map((group) => ({
              condition: group.Condition,
              filterItems: group.FilterItems.map((i) => ({
                fieldName: i.FieldName,
                operator: i.Operator,
                value: i.Value,
              })),
            })),
          },
        },
      });
      expect(camel.status).toBe(200);
      expect(pascal.status).toBe(200);
      expect(pascal.body.data).toEqual(camel.body.data);
      const unfiltered = await search({ body: searchBody({ pageSize: 500 }) });
      expect(camel.body.data.totalNumberOfRecords).toBeLessThan(unfiltered.body.data.totalNumberOfRecords);
    });

    it('filter: null means no filter', async () => {
      const withNull = await search({ body: searchBody({ pageSize: 500, filter: null }) });
      const without = await search({ body: searchBody({ pageSize: 500 }) });
      expect(withNull.status).toBe(200);
      expect(withNull.body.data).toEqual(without.body.data);
      expect(without.body.data.totalNumberOfRecords).toBe(300);
    });
  });
});
