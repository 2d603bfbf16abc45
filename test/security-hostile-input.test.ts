// Hostile input against a real server: forged and tampered tokens (signed with the server's own key, read from its
// database, so each test changes one thing only), injection through every string of the filter and the scoping
// header, oversized and malformed bodies, prototype pollution, header injection, secret guessing, and secrets in
// logs. Every answer must be 2xx or 4xx, never a 5xx (contract §2: "never for bad input").
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import {
  decodeJwt,
  decodeProtectedHeader,
  exportSPKI,
  generateKeyPair,
  importJWK,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySecret } from '../src/server/auth/secrets.js';
import { serverLogger } from '../src/server/logger.js';
import { FORMULA_COMPANY_NAME } from '../src/server/seed/index.js';
import { type ApiResponse, callApi, checkedBytes, fetchToken, searchBody } from './support/api.js';
import { type CompanyRecord, readAllCompanies } from './support/company-rows.js';
import { DATABASE_KINDS } from './support/databases.js';
import { PINNED_NOW_MS, pinnedClock } from './support/pinned-clock.js';
import { rawExchange } from './support/raw-http.js';
import { startTestServer, type TestCredential, type TestServer } from './support/test-server.js';

const SEARCH = '/api/companies/search';
const EXPORT = '/api/companies/search/export';
const NOW_SECONDS = Math.floor(PINNED_NOW_MS / 1000);

/** Classic injection strings; fast-check mixes them with arbitrary text. */
const INJECTIONS = [
  "x' OR '1'='1",
  "' OR 1=1 --",
  '"; DROP TABLE companies; --',
  "'); DELETE FROM companies; --",
  "a%' UNION SELECT secret_hash FROM credentials --",
  '%',
  '_',
  '\\',
  "\\'",
  '/**/OR/**/1=1',
  "' || (select count(*) from credentials) || '",
  '1; select pg_sleep(5)',
  "'; attach database '/tmp/x.db' as x; --",
  '$1',
  '?',
  '\u0000',
];
const injection = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.tuple(fc.constantFrom(...INJECTIONS), fc.string({ maxLength: 12 })).map(([a, b]) => a + b),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
/** What a header can carry at all (fetch refuses control characters and non-Latin-1 text). */
const headerInjection = injection.filter((text) => /^[\x20-\x7e]*$/.test(text));

const fold = (text: string) => text.normalize('NFC').toLowerCase();
const item = (FieldName: string, Operator: string, Value: string) => ({ FieldName, Operator, Value });
const oneItemFilter = (FieldName: string, Operator: string, Value: string) => ({
  Condition: 'AND',
  FilterGroups: [{ Condition: 'AND', FilterItems: [item(FieldName, Operator, Value)] }],
});

function expectNoServerError(response: ApiResponse, what: string) {
  expect(response.status, `${what}: ${JSON.stringify(response.body).slice(0, 300)}`).toBeLessThan(500);
}

const idsOf = (response: ApiResponse) =>
  (response.body.data.results as { companyResourceId: string }[]).map((r) => r.companyResourceId).sort();

describe.each(DATABASE_KINDS)('hostile input on %s', (kind) => {
  let server: TestServer;
  let other: TestServer;
  let rootToken: string;
  let companies: CompanyRecord[];

  beforeAll(async () => {
    [server, other] = await Promise.all([
      startTestServer({ kind, companies: 300, ...pinnedClock }),
      startTestServer({ kind, companies: 20, ...pinnedClock }),
    ]);
    rootToken = await fetchToken(server.baseUrl, server.credentials.root);
    await fetchToken(other.baseUrl, other.credentials.root); // makes the other server create its signing key
    companies = await readAllCompanies(server.databaseLocation);
  });
  afterAll(async () => {
    await server?.close();
    await other?.close();
  });

  const search = (body: unknown, init: Parameters<typeof callApi>[2] = {}) =>
    callApi(server.baseUrl, SEARCH, { token: rootToken, body, ...init });

  describe('tokens signed with the server key but changed in one way', () => {
    interface SigningKey {
      kid: string;
      privateKey: CryptoKey | Uint8Array;
      publicJwk: JWK;
    }
    async function signingKeyOf(target: TestServer): Promise<SigningKey> {
      const row = await target.storage.db
        .selectFrom('signing_keys')
        .selectAll()
        .orderBy('created_at')
        .executeTakeFirstOrThrow();
      return {
        kid: row.kid,
        privateKey: await importJWK(JSON.parse(row.private_jwk ?? 'null') as JWK, 'EdDSA'),
        publicJwk: JSON.parse(row.public_jwk) as JWK,
      };
    }
    let ours: SigningKey;
    let claims: JWTPayload;

    beforeAll(async () => {
      ours = await signingKeyOf(server);
      const {
        iss: _iss,
        iat: _iat,
        exp: _exp,
        ...rest
      } = decodeJwt(await fetchToken(server.baseUrl, server.credentials.reseller));
      claims = rest;
    });

    interface Forgery {
      claims?: JWTPayload;
      kid?: string;
      key?: CryptoKey | Uint8Array;
      issuer?: string;
      issuedAt?: number | null;
      expiresAt?: number | null;
      notBefore?: number;
    }
    function forge(forgery: Forgery = {}): Promise<string> {
      const jwt = new SignJWT(forgery.claims ?? claims).setProtectedHeader({
        alg: 'EdDSA',
        kid: forgery.kid ?? ours.kid,
        typ: 'JWT',
      });
      jwt.setIssuer(forgery.issuer ?? 'lapse-test');
      if (forgery.issuedAt !== null) jwt.setIssuedAt(forgery.issuedAt ?? NOW_SECONDS - 10);
      if (forgery.expiresAt !== null) jwt.setExpirationTime(forgery.expiresAt ?? NOW_SECONDS + 600);
      if (forgery.notBefore !== undefined) jwt.setNotBefore(forgery.notBefore);
      return jwt.sign(forgery.key ?? ours.privateKey);
    }
    async function statusWith(token: string, path = SEARCH): Promise<number> {
      const response = await callApi(server.baseUrl, path, { token, body: path === SEARCH ? searchBody() : undefined });
      if (response.status === 401) {
        expect(response.body).toMatchObject({ data: null, status: 'UNAUTHORIZED' });
        expect(response.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      }
      return response.status;
    }

    it('a token forged exactly as the server signs is accepted (so each refusal below is for its one change)', async () => {
      expect(await statusWith(await forge())).toBe(200);
    });

    it('an unknown kid, and the kid and key of another server, are refused', async () => {
      const theirs = await signingKeyOf(other);
      expect(theirs.kid).not.toBe(ours.kid);
      expect(await statusWith(await forge({ kid: randomBytes(12).toString('base64url') }))).toBe(401);
      // Same issuer, a valid signature, but by a key this server never published.
      expect(await statusWith(await forge({ kid: theirs.kid, key: theirs.privateKey }))).toBe(401);
      expect(await statusWith(await forge({ kid: ours.kid, key: theirs.privateKey }))).toBe(401);
    });

    it('a wrong issuer, a future nbf, a past exp, no exp and no iat are refused', async () => {
      expect(await statusWith(await forge({ issuer: 'someone-else' }))).toBe(401);
      expect(await statusWith(await forge({ notBefore: NOW_SECONDS + 3600 }))).toBe(401);
      expect(await statusWith(await forge({ issuedAt: NOW_SECONDS - 7200, expiresAt: NOW_SECONDS - 60 }))).toBe(401);
      expect(await statusWith(await forge({ expiresAt: null }))).toBe(401);
      expect(await statusWith(await forge({ issuedAt: null }))).toBe(401);
    });

    it('another algorithm is refused: ES256 under our kid, HS256 keyed with our public key in any form', async () => {
      const es = await generateKeyPair('ES256');
      const es256 = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: ours.kid })
        .setIssuer('lapse-test')
        .setIssuedAt(NOW_SECONDS)
        .setExpirationTime(NOW_SECONDS + 600)
        .sign(es.privateKey);
      expect(await statusWith(es256)).toBe(401);
      const publicKey = await importJWK(ours.publicJwk, 'EdDSA');
      const secrets = [
        Buffer.from(ours.publicJwk.x as string, 'base64url'),
        new TextEncoder().encode(ours.publicJwk.x as string),
        new TextEncoder().encode(await exportSPKI(publicKey as CryptoKey)),
      ];
      for (const secret of secrets) {
        const hs256 = await new SignJWT(claims)
          .setProtectedHeader({ alg: 'HS256', kid: ours.kid })
          .setIssuer('lapse-test')
          .setIssuedAt(NOW_SECONDS)
          .setExpirationTime(NOW_SECONDS + 600)
          .sign(secret);
        expect(await statusWith(hs256)).toBe(401);
      }
    });

    it('the token names the caller, never its rights: claims of another role or company change nothing', async () => {
      const admin = decodeJwt(await fetchToken(server.baseUrl, server.credentials.companyAdmin));
      const asRoot = await forge({
        claims: { ...claims, sub: admin.sub, client_id: admin.client_id, role: 'Root', root_access: true },
      });
      // Role and company come from the credential in the database: a Company Admin still may not search.
      expect(await statusWith(asRoot)).toBe(403);
      // sub and client_id must agree; an unknown client is refused.
      expect(await statusWith(await forge({ claims: { ...claims, sub: admin.sub } }))).toBe(401);
      expect(await statusWith(await forge({ claims: { ...claims, sub: 'ghost', client_id: 'ghost' } }))).toBe(401);
    });

    it('a tampered header (kid pointing at a file, jku, x5u) does not make the server fetch or accept anything', async () => {
      const [, payload, signature] = (await forge()).split('.');
      const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
      for (const header of [
        { alg: 'EdDSA', kid: '../../../../etc/passwd' },
        { alg: 'EdDSA', kid: ours.kid, jku: 'http://127.0.0.1:1/jwks.json' },
        { alg: 'EdDSA', kid: ours.kid, x5u: 'http://127.0.0.1:1/cert.pem' },
        { alg: 'EdDSA', kid: ours.kid, crit: ['exp'] },
      ]) {
        expect(await statusWith(`${encode(header)}.${payload}.${signature}`)).toBe(401);
      }
      expect(decodeProtectedHeader(await forge()).kid).toBe(ours.kid);
    });
  });

  describe('injection through every string of the filter and the scope', () => {
    const visibleToRoot = () => companies;
    const resellerNameOf = (company: CompanyRecord) => companies.find((c) => c.id === company.parentId)?.name ?? null;
    let countBefore: number;

    beforeAll(() => {
      countBefore = companies.length;
      expect(countBefore).toBeGreaterThan(200);
    });
    afterAll(async () => {
      expect((await readAllCompanies(server.databaseLocation)).length).toBe(countBefore);
    });

    it('as a CompanyName Contains value: exactly the companies whose name holds that literal text', async () => {
      const literal = await search(
        searchBody({ pageSize: 1000, filter: oneItemFilter('CompanyName', 'Contains', "x' OR '1'='1") }),
      );
      expect(literal.status).toBe(200);
      expect(literal.body.data.totalNumberOfRecords).toBe(0);
      await fc.assert(
        fc.asyncProperty(injection, async (value) => {
          const response = await search(
            searchBody({ pageSize: 1000, filter: oneItemFilter('CompanyName', 'Contains', value) }),
          );
          expect(response.status).toBe(value.includes('\u0000') ? 400 : 200);
          if (response.status !== 200) return;
          const expected = visibleToRoot()
            .filter((c) => fold(c.name).includes(fold(value)))
            .map((c) => c.resourceId)
            .sort();
          expect(idsOf(response)).toEqual(expected);
        }),
        { numRuns: 40 },
      );
    });

    it('as SearchInputTextValue: exactly the companies whose name or reseller name holds it', async () => {
      await fc.assert(
        fc.asyncProperty(
          injection.filter((text) => text.length <= 256),
          async (text) => {
            const response = await search(
              searchBody({
                pageSize: 1000,
                filter: { Condition: 'AND', SearchInputTextValue: text, FilterGroups: [] },
              }),
            );
            expect(response.status).toBe(text.includes('\u0000') ? 400 : 200);
            if (response.status !== 200) return;
            const needle = fold(text.trim());
            const expected = visibleToRoot()
              .filter(
                (c) => needle === '' || fold(c.name).includes(needle) || fold(resellerNameOf(c) ?? '').includes(needle),
              )
              .map((c) => c.resourceId)
              .sort();
            expect(idsOf(response)).toEqual(expected);
          },
        ),
        { numRuns: 30 },
      );
    });

    it('as a FieldName, an Operator, a Condition or a value of every other field: 200 or 400, never 5xx', async () => {
      const fields = [
        'CompanyName',
        'Tags',
        'IndustryResourceId',
        'CompanyResourceId',
        'TargetUserCount',
        'LicenseEndDate',
        'LicenceExpired',
      ];
      await fc.assert(
        fc.asyncProperty(injection, fc.constantFrom(...fields), async (payload, field) => {
          const bodies = [
            oneItemFilter(payload, '=', 'a'),
            oneItemFilter(field, payload, 'a'),
            oneItemFilter(field, '=', payload),
            { Condition: payload, FilterGroups: [{ Condition: 'AND', FilterItems: [item(field, '=', '1')] }] },
            { Condition: 'AND', FilterGroups: [{ Condition: payload, FilterItems: [item('CompanyName', '=', 'a')] }] },
          ];
          for (const filter of bodies) {
            const response = await search(searchBody({ filter }));
            expectNoServerError(response, JSON.stringify(filter));
            expect([200, 400]).toContain(response.status);
          }
        }),
        { numRuns: 25 },
      );
    });

    it('a NUL character, which no stored text holds, is a 400 in a filter and a 404 or 400 elsewhere', async () => {
      for (const filter of [
        oneItemFilter('CompanyName', 'Contains', 'a\u0000'),
        oneItemFilter('Tags', '=', '\u0000'),
        oneItemFilter('CompanyResourceId', 'Include', '\u0000,abc'),
        { SearchInputTextValue: 'x\u0000y', FilterGroups: [] },
      ]) {
        const response = await search(searchBody({ filter }));
        expect(response.status, JSON.stringify(filter)).toBe(400);
        expect(response.body.validationMessages.join(' ')).toContain('NUL');
      }
      expect((await callApi(server.baseUrl, '/api/companies/%00abc', { token: rootToken })).status).toBe(404);
      const token = await callApi(server.baseUrl, '/connect/token', {
        rawBody: 'grant_type=client_credentials&client_id=%00&client_secret=%00',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(token.status).toBe(400);
      expect(token.body.error).toBe('invalid_request');
    });

    it('as the scoping header or ?companyId=: 403 or 404, never 5xx, never a wider scope', async () => {
      const resellerToken = await fetchToken(server.baseUrl, server.credentials.reseller);
      await fc.assert(
        fc.asyncProperty(headerInjection, async (payload) => {
          const viaHeader = await callApi(server.baseUrl, SEARCH, {
            token: resellerToken,
            body: searchBody(),
            headers: { 'x-keepnet-company-id': payload },
          });
          const viaQuery = await callApi(server.baseUrl, `${SEARCH}?companyId=${encodeURIComponent(payload)}`, {
            token: resellerToken,
            body: searchBody(),
          });
          for (const response of [viaHeader, viaQuery]) {
            expectNoServerError(response, payload);
            // An empty (or blank) id means "no narrowing": the reseller's own view.
            if (payload.trim() === '') expect(response.status).toBe(200);
            else expect([403, 404]).toContain(response.status);
          }
        }),
        { numRuns: 40 },
      );
    });
  });

  describe('bodies that are too big, too deep or malformed', () => {
    const rawSearch = (path: string, body: string | Uint8Array, contentType = 'application/json') =>
      fetch(`${server.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${rootToken}`, 'content-type': contentType },
        body: typeof body === 'string' ? body : new Blob([new Uint8Array(body)]),
      }).then(async (response) => ({ status: response.status, body: await response.json().catch(() => null) }));

    it('64 KiB + 1 on the export and the token endpoint: 413, as a ServiceResult on /api', async () => {
      const padded = `{"pageNumber":1,"pageSize":10,"orderBy":"CompanyName","ascending":true,"exportType":"CSV"${' '.repeat(64 * 1024)}}`;
      const exported = await rawSearch(EXPORT, padded);
      expect(exported.status).toBe(413);
      expect(exported.body).toMatchObject({ data: null, status: 'INPUT_ERROR' });
      const token = await rawSearch(
        '/connect/token',
        `grant_type=client_credentials&x=${'a'.repeat(64 * 1024)}`,
        'application/x-www-form-urlencoded',
      );
      expect(token.status).toBe(413);
    });

    it('JSON nested 10,000 deep is a 4xx, and the server stays healthy', async () => {
      const deepArray = `${'['.repeat(10_000)}${']'.repeat(10_000)}`;
      const deepObject = `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
      let deepFilter = '{"FilterItems":[]}';
      for (let depth = 0; depth < 3_000; depth++) deepFilter = `{"Condition":"OR","FilterGroups":[${deepFilter}]}`;
      const bodies = [
        deepArray,
        deepObject,
        `{"pageNumber":1,"pageSize":10,"orderBy":"CompanyName","ascending":true,"filter":{"FilterGroups":[${deepFilter}]}}`,
      ];
      for (const body of bodies) {
        const response = await rawSearch(SEARCH, body);
        expect(response.status).toBeGreaterThanOrEqual(400);
        expect(response.status).toBeLessThan(500);
      }
      expect((await callApi(server.baseUrl, '/healthz')).status).toBe(200);
      expect((await search(searchBody())).status).toBe(200);
    });

    it('a 101st filter item on export is a 400', async () => {
      const items = Array.from({ length: 101 }, () => item('CompanyName', 'Contains', 'a'));
      const response = await callApi(server.baseUrl, EXPORT, {
        token: rootToken,
        body: {
          ...searchBody(),
          exportType: 'CSV',
          filter: { FilterGroups: [{ Condition: 'OR', FilterItems: items }] },
        },
      });
      expect(response.status).toBe(400);
      expect(response.body.status).toBe('INPUT_ERROR');
    });

    it('invalid UTF-8 in a JSON body is a 400', async () => {
      const json = Buffer.from(JSON.stringify(searchBody({ orderBy: 'CompanyNameXX' })));
      const at = json.indexOf('XX');
      json[at] = 0xff;
      json[at + 1] = 0xfe;
      const response = await rawSearch(SEARCH, json);
      expect(response.status).toBe(400);
      expect(response.body.validationMessages.join(' ')).toContain('UTF-8');
    });

    it.each([
      ['pageNumber', '1e308'],
      ['pageNumber', '1e400'],
      ['pageSize', '1e21'],
      ['pageNumber', '-0'],
      ['pageSize', '-0'],
      ['pageSize', '1.5'],
      ['pageNumber', '9007199254740993'],
    ])('%s: %s is a 400', async (field, literal) => {
      const body = JSON.stringify(searchBody({ [field]: 424242 })).replace('424242', literal);
      const response = await rawSearch(SEARCH, body);
      expect(response.status).toBe(400);
      expect(response.body.validationMessages.join(' ')).toContain(field);
    });

    it('__proto__, constructor and prototype keys are refused, and nothing is polluted', async () => {
      const base = JSON.stringify(searchBody()).slice(1, -1);
      const itemJson = '{"FieldName":"CompanyName","Operator":"Contains","Value":"a"';
      const bodies = [
        `{${base},"__proto__":{"polluted":"yes"}}`,
        `{${base},"constructor":{"prototype":{"polluted":"yes"}}}`,
        `{${base},"prototype":{"polluted":"yes"}}`,
        `{${base},"filter":{"FilterGroups":[{"FilterItems":[${itemJson},"__proto__":{"polluted":"yes"}}]}]}}`,
        `{${base},"filter":{"FilterGroups":[{"FilterItems":[${itemJson},"constructor":{"prototype":{"polluted":"yes"}}}]}]}}`,
        `{${base},"filter":{"FilterGroups":[{"__proto__":{"polluted":"yes"},"FilterItems":[]}]}}`,
        `{${base},"filter":{"prototype":{"polluted":"yes"},"FilterGroups":[]}}`,
      ];
      for (const body of bodies) {
        const response = await rawSearch(SEARCH, body);
        expect(response.status, body).toBe(400);
        expect(response.body.status).toBe('INPUT_ERROR');
      }
      const form = new URLSearchParams({ grant_type: 'client_credentials', __proto__: 'x', constructor: 'y' });
      form.append('client_id', '__proto__');
      form.append('client_secret', 'constructor');
      const token = await rawSearch('/connect/token', form.toString(), 'application/x-www-form-urlencoded');
      expect(token.status).toBe(400);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
    });
  });

  it('a company name that is a formula reaches the CSV export neutralised', async () => {
    const formulaId = server.seed.formulaCompanyResourceId;
    expect(formulaId).toBeTruthy();
    const response = await fetch(`${server.baseUrl}${EXPORT}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${rootToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        ...searchBody(),
        exportType: 'CSV',
        filter: oneItemFilter('CompanyResourceId', '=', formulaId as string),
      }),
    });
    expect(response.status).toBe(200);
    const [, row] = (await checkedBytes('POST', EXPORT, response)).toString('utf8').split('\r\n');
    expect(row?.startsWith(`"'${FORMULA_COMPANY_NAME.replaceAll('"', '""')}"`)).toBe(true);
  });

  describe('header injection', () => {
    const headerLines = (raw: string) => raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n').slice(1);

    it('CR LF in exportType, companyId or a header never becomes a header of the response', async () => {
      const head = (path: string, extra = '') =>
        `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${rootToken}\r\ncontent-type: application/json${extra}`;
      const exportBody = (exportType: string) => JSON.stringify({ ...searchBody({ pageSize: 5 }), exportType });
      const exchanges = [
        rawExchange(server.baseUrl, head(EXPORT), exportBody('CSV\r\nX-Injected: yes')),
        rawExchange(server.baseUrl, head(EXPORT), exportBody('CSV"\r\nX-Injected: yes\r\n\r\n')),
        rawExchange(server.baseUrl, head(`${EXPORT}?companyId=abc%0D%0AX-Injected:%20yes`), exportBody('CSV')),
        rawExchange(server.baseUrl, head(`${EXPORT}?companyId=abc%0AX-Injected:%20yes`), exportBody('CSV')),
        rawExchange(server.baseUrl, head(EXPORT, '\r\nx-request-id: a\rX-Injected: yes'), exportBody('CSV')),
        rawExchange(server.baseUrl, head(EXPORT, '\r\nx-keepnet-company-id: a\rX-Injected: yes'), exportBody('CSV')),
      ];
      for (const [index, raw] of (await Promise.all(exchanges)).entries()) {
        expect(raw, `exchange ${index}`).toMatch(/^HTTP\/1\.1 [1-4]\d\d /);
        expect(headerLines(raw).some((line) => /^x-injected/i.test(line))).toBe(false);
      }
      const exported = await rawExchange(server.baseUrl, head(EXPORT), exportBody(' xlsx '));
      expect(exported).toMatch(/^HTTP\/1\.1 200 /);
      const disposition = headerLines(exported).filter((line) => /^content-disposition:/i.test(line));
      expect(disposition).toEqual(['content-disposition: attachment; filename="Companies.xlsx"']);
    });
  });
});

/** A token request from a chosen loopback address (all of 127.0.0.0/8 reaches the server on Linux). */
function requestToken(
  baseUrl: string,
  fields: Record<string, string>,
  localAddress = '127.0.0.1',
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${baseUrl}/connect/token`, {
      method: 'POST',
      agent: false,
      localAddress,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }),
      );
    });
    request.end(new URLSearchParams({ grant_type: 'client_credentials', ...fields }).toString());
  });
}

const formOf = (credential: TestCredential, secret = credential.clientSecret) => ({
  client_id: credential.clientId,
  client_secret: secret,
});

describe.each(DATABASE_KINDS)('guessing client secrets on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 120, ...pinnedClock, config: { failedTokenLimitPerMinute: 5 } });
  });
  afterAll(() => server?.close());

  it('per client id: five wrong secrets from five addresses lock the client for those addresses, even for the right secret', async () => {
    const victim = server.credentials.reseller;
    for (let attempt = 2; attempt <= 6; attempt++) {
      const wrong = await requestToken(server.baseUrl, formOf(victim, `guess-${attempt}`), `127.0.0.${attempt}`);
      expect(wrong.status).toBe(400);
      expect(wrong.body.error).toBe('invalid_client');
    }
    const again = await requestToken(server.baseUrl, formOf(victim), '127.0.0.2');
    expect(again.status).toBe(429);
    expect(again.body.access_token).toBeUndefined();
    // A stranger cannot lock the client out: from an address with no failures the right secret is checked.
    expect((await requestToken(server.baseUrl, formOf(victim), '127.0.0.7')).status).toBe(200);
    // Another client from a fresh address is not affected.
    expect((await requestToken(server.baseUrl, formOf(server.credentials.subReseller), '127.0.0.8')).status).toBe(200);
  });

  it('per address: five failures under five client ids lock the address, even for a right secret', async () => {
    const address = '127.0.0.9';
    for (let attempt = 0; attempt < 5; attempt++) {
      const unknown = await requestToken(
        server.baseUrl,
        { client_id: `nobody-${attempt}`, client_secret: 'x' },
        address,
      );
      expect(unknown.status).toBe(400);
    }
    const right = await requestToken(server.baseUrl, formOf(server.credentials.root), address);
    expect(right.status).toBe(429);
    expect(right.body.access_token).toBeUndefined();
    expect((await requestToken(server.baseUrl, formOf(server.credentials.root), '127.0.0.10')).status).toBe(200);
  });

  it('an unknown client id costs a full scrypt, as a wrong secret does', async () => {
    const { storage } = server;
    const stored = await storage.db
      .selectFrom('credentials')
      .select('secret_hash')
      .where('client_id', '=', server.credentials.root.clientId)
      .executeTakeFirstOrThrow();
    await verifySecret('warm-up', undefined); // the first call also derives the decoy hash
    const timed = async (hash: string | undefined) => {
      const started = performance.now();
      expect(await verifySecret('wrong secret', hash)).toBe(false);
      return performance.now() - started;
    };
    // scrypt with N=16384, r=8 takes tens of milliseconds; a plain comparison would take microseconds.
    expect(await timed(undefined)).toBeGreaterThan(5);
    expect(await timed(stored.secret_hash)).toBeGreaterThan(5);
    expect(await verifySecret(server.credentials.root.clientSecret, stored.secret_hash)).toBe(true);
  });
});

describe('secrets and tokens never reach the logs', () => {
  let server: TestServer;
  let captured = '';

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        captured += chunk.toString('utf8');
        done();
      },
    });
    server = await startTestServer({ companies: 80, ...pinnedClock, config: { logger: serverLogger('trace', sink) } });
  });
  afterAll(() => server?.close());

  it('at level trace, after form and Basic token requests, failures and API calls with bearer tokens', async () => {
    const { reseller, root } = server.credentials;
    const basic = Buffer.from(`${encodeURIComponent(root.clientId)}:${encodeURIComponent(root.clientSecret)}`).toString(
      'base64',
    );
    const wrongBasic = Buffer.from(`${root.clientId}:wrong-secret-in-basic`).toString('base64');
    const formToken = await fetchToken(server.baseUrl, reseller);
    const basicResponse = await callApi(server.baseUrl, '/connect/token', {
      rawBody: 'grant_type=client_credentials',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
    });
    expect(basicResponse.status).toBe(200);
    const basicToken = basicResponse.body.access_token as string;
    const failures = [
      await callApi(server.baseUrl, '/connect/token', {
        rawBody: new URLSearchParams({
          grant_type: 'client_credentials',
          ...formOf(reseller, 'wrong-secret-in-form'),
        }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      await callApi(server.baseUrl, '/connect/token', {
        rawBody: 'grant_type=client_credentials',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${wrongBasic}` },
      }),
    ];
    expect(failures.map((f) => f.status)).toEqual([400, 401]);
    for (const token of [formToken, basicToken]) {
      expect((await callApi(server.baseUrl, SEARCH, { token, body: searchBody() })).status).toBe(200);
      expect((await callApi(server.baseUrl, '/api/companies/my', { token })).status).toBe(200);
      expect(
        (
          await callApi(server.baseUrl, `${EXPORT}?companyId=nope`, {
            token,
            body: { ...searchBody(), exportType: 'CSV' },
          })
        ).status,
      ).toBe(404);
    }
    expect((await callApi(server.baseUrl, SEARCH, { token: `${formToken}x`, body: searchBody() })).status).toBe(401);

    // The capture works: the requests were logged.
    expect(captured).toContain('/connect/token');
    expect(captured).toContain('/api/companies/search');
    const secrets = [
      reseller.clientSecret,
      root.clientSecret,
      'wrong-secret-in-form',
      'wrong-secret-in-basic',
      basic,
      wrongBasic,
      formToken,
      basicToken,
      formToken.split('.')[2] as string,
      basicToken.split('.')[2] as string,
    ];
    for (const secret of secrets) expect(captured).not.toContain(secret);
    expect(captured).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}/);
    expect(captured).not.toMatch(/Bearer [A-Za-z0-9_-]{8,}/);
  });
});
