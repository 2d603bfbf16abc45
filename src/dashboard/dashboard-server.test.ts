// The local server's HTTP behaviour, byte for byte where it matters: routes, status codes, error bodies, headers,
// static files and downloads, over a fake SDK (the browser test drives the same server against the real API).
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { searchCompanyDto } from '../../test/support/search-company-dto.js';
import {
  AuthError,
  type Companies,
  ForbiddenError,
  type LapseClient,
  type Listing,
  NetworkError,
  NotFoundError,
  type WhoAmI,
} from '../client/index.js';
import {
  ApiHealthSchema,
  CompanyDetailSchema,
  type CompanyDto,
  CompanyPageSchema,
  DashboardSessionSchema,
  DashboardSummarySchema,
  EXPORT_CONTENT_TYPES,
  type MyCompanyNode,
  type SearchCompanyDto,
  UiErrorSchema,
  UiRefusalSchema,
} from '../contract/index.js';
import { type DashboardServer, startDashboardServer } from './dashboard-server.js';
import { createPortfolio } from './portfolio.js';

const NOW = Date.parse('2026-03-10T12:00:00.000Z');
const INDEX_HTML = '<!doctype html><title>lapse</title>';
const SCRIPT = 'console.log("page");';

const company = (id: string, fields: Partial<SearchCompanyDto>) =>
  searchCompanyDto(id, { licenseTypeName: 'Standard', licenseEndDate: '2026-04-01T00:00:00.000Z', ...fields });

// In the order the SDK lists them (by renewal day), as the dashboard's default order keeps it.
const EXPIRED = [
  company('a2', { licenseEndDate: '2025-12-24T00:00:00.000Z', licenceExpired: true, resellerName: 'Reseller B' }),
  company('a3', { licenseEndDate: '2026-02-14T00:00:00.000Z', licenceExpired: true, targetUserCount: 11 }),
  company('a1', { licenseEndDate: '2026-03-01T08:00:00.000Z', licenceExpired: true, targetUserCount: 7 }),
];
const RENEWING = [
  company('r1', { licenseEndDate: '2026-03-20T00:00:00.000Z' }),
  company('r2', { licenseEndDate: '2026-09-01T00:00:00.000Z', resellerName: 'Reseller B' }),
];
const OVER_LIMIT = [company('o1', { targetUserCount: 12 })];

function listingOf(companies: SearchCompanyDto[], asOf = '2026-03-10', timeZone = 'UTC'): Listing {
  return {
    strategy: { name: 'server-filter', reason: 'the server filters' },
    asOf,
    timeZone,
    totalSeen: companies.length,
    warnings: [],
    companies,
  };
}

const COMPANY_A1: CompanyDto = {
  resourceId: 'a1',
  name: 'Company a1',
  description: null,
  industryResourceId: null,
  industryName: 'Retail',
  countryResourceId: null,
  countryName: 'Türkiye',
  countryCode: 'TR',
  licenseTypeResourceId: 'lt1',
  licenseTypeName: 'Standard',
  licensePeriodTypeResourceId: 'lp1',
  licensePeriodTypeName: 'Yearly',
  licenseStartDate: '2025-03-01T08:00:00.000Z',
  licenseEndDate: '2026-03-01T08:00:00.000Z',
  isNumberOfUsersLimited: true,
  numberOfUsers: 10,
  parentId: 3,
  statusId: 1,
  statusName: 'Active',
  licenseModules: ['Phishing Simulator'],
  targetUserCount: 7,
  timeZoneId: 'Europe/Istanbul',
  dateFormat: 'dd.MM.yyyy',
  timeFormat: 'HH:mm',
  tags: ['VIP', 'partner,gold'],
};
const COMPANY_DTOS: Record<string, CompanyDto> = { a1: COMPANY_A1 };
const node = (resourceId: string, name: string, children: MyCompanyNode[] = []): MyCompanyNode => ({
  resourceId,
  name,
  licenceExpired: false,
  children,
});
// The credential's tree (contract §6 /my): Reseller A holds a sub-reseller that holds a1.
const MY_TREE = [
  node('ra', 'Reseller A', [node('sub', 'Sub Reseller', [node('a1', 'Company a1')]), node('a3', 'Company a3')]),
];

/** A failure the next listing call throws instead of answering. */
let failure: Error | undefined;
let whoamiCalls = 0;

const client = {
  async whoami(): Promise<WhoAmI> {
    whoamiCalls += 1;
    return {
      claims: { role: 'Reseller', user_company_name: 'Acme Resellers' },
      permissions: [],
      scope: undefined,
      expiresAt: new Date(NOW + 3_600_000).toISOString(),
    };
  },
  async expired(options) {
    if (failure) throw failure;
    return listingOf(EXPIRED, options?.asOf, options?.timeZone);
  },
  async renewing(options) {
    if (failure) throw failure;
    return listingOf(RENEWING, options.asOf, options.timeZone);
  },
  async exceedingLimit() {
    if (failure) throw failure;
    return listingOf(OVER_LIMIT);
  },
  companies: {
    async get(resourceId: string) {
      if (failure) throw failure;
      const dto = COMPANY_DTOS[resourceId];
      if (!dto) throw new NotFoundError(`Company "${resourceId}" was not found.`);
      return dto;
    },
    async my() {
      if (failure) throw failure;
      return MY_TREE;
    },
    async search() {
      if (failure) throw failure;
      return {
        pageNumber: 1,
        pageSize: 1,
        totalNumberOfRecords: 0,
        totalNumberOfPages: 0,
        limitExceededCompanyCount: 0,
        results: [],
      };
    },
  } as Partial<Companies> as Companies,
} as Partial<LapseClient> as LapseClient;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

let server: DashboardServer;
let temp: string;
let port: string;

/**
 * One request as a client would send it, with full control of the path and headers; by default with the header
 * the page's own fetch wrapper sends.
 */
function send(method: string, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return sendBare(method, path, { 'x-lapse-dashboard': '1', ...headers });
}

/** One request with exactly these headers (and the server's own host). */
function sendBare(method: string, path: string, headers: Record<string, string>): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (chunk: Buffer) => chunks.push(chunk));
      r.on('end', () =>
        resolve({ status: r.statusCode ?? 0, headers: r.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      r.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** The answer's JSON, held to the contract schema it should meet, and never to be cached. */
function json(answer: Answer, schema: TSchema): unknown {
  expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(answer.headers['cache-control']).toBe('no-store');
  const body: unknown = JSON.parse(answer.body);
  expect([...Value.Errors(schema, body)].map((error) => `${error.path} ${error.message}`)).toEqual([]);
  return body;
}

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), 'lapse-ui-server-'));
  const webRoot = join(temp, 'web');
  await mkdir(join(webRoot, 'assets'), { recursive: true });
  await writeFile(join(webRoot, 'index.html'), INDEX_HTML);
  await writeFile(join(webRoot, 'assets', 'index-abc123.js'), SCRIPT);
  await writeFile(join(temp, 'secret.txt'), 'not for the browser');
  server = await startDashboardServer({
    client,
    portfolio: createPortfolio({ client, now: () => NOW }),
    baseUrl: 'https://api.example',
    companyId: undefined,
    webRoot,
    port: 0,
  });
  port = new URL(server.url).port;
});

afterAll(async () => {
  await server?.close();
  if (temp) await rm(temp, { recursive: true, force: true });
});

beforeEach(() => {
  failure = undefined;
});

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Another server over the same fake SDK, with listings of its own. */
const startFreshServer = (companyId?: string) =>
  startDashboardServer({
    client,
    portfolio: createPortfolio({ client, now: () => NOW }),
    baseUrl: 'https://api.example',
    companyId,
    webRoot: temp,
    port: 0,
  });

const INVALID_TITLE = 'That view cannot be shown';
const invalid = (message: string) => ({ error: { kind: 'invalid', title: INVALID_TITLE, message, detail: null } });

describe('the local server', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it('sends the security headers on every answer, refusals included', async () => {
    for (const answer of [
      await send('GET', '/'),
      await send('GET', '/ui-api/session'),
      await send('GET', '/ui-api/companies?view=bogus'),
      await send('GET', '/ui-api/nowhere'),
      await send('GET', '/missing.js'),
      await send('DELETE', '/'),
      await send('GET', '/', { host: `attacker.example:${port}` }),
    ]) {
      expect(answer.headers).toMatchObject(SECURITY_HEADERS);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    }
  });

  it('answers only its own host names (421 for any other, which stops DNS rebinding)', async () => {
    const refused = await send('GET', '/ui-api/session', { host: `attacker.example:${port}` });
    expect(refused.status).toBe(421);
    expect(refused.body).toBe('misdirected request');
    expect((await send('GET', '/', { host: `127.0.0.1:${Number(port) + 1}` })).status).toBe(421);
    expect((await send('GET', '/', { host: `localhost:${port}` })).status).toBe(200);
  });
});

describe('static files', () => {
  it('serves index.html at / and by name, to be re-read on every load', async () => {
    for (const path of ['/', '/index.html', '/index.html?v=2']) {
      const answer = await send('GET', path);
      expect(answer.status).toBe(200);
      expect(answer.body).toBe(INDEX_HTML);
      expect(answer.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(answer.headers['content-length']).toBe(String(INDEX_HTML.length));
      expect(answer.headers['cache-control']).toBe('no-cache');
    }
  });

  it('serves hashed assets as immutable, and HEAD without a body', async () => {
    const answer = await send('GET', '/assets/index-abc123.js');
    expect(answer).toMatchObject({ status: 200, body: SCRIPT });
    expect(answer.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(answer.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const head = await send('HEAD', '/assets/index-abc123.js');
    expect(head).toMatchObject({ status: 200, body: '' });
    expect(head.headers['content-length']).toBe(String(SCRIPT.length));
  });

  it('answers 404 for a missing file, a folder, or a path that leaves the web root', async () => {
    for (const path of [
      '/missing.js',
      '/assets',
      '/assets/',
      '/../secret.txt',
      '/..%2fsecret.txt',
      '/%2e%2e/secret.txt',
      '/%zz',
    ]) {
      const answer = await send('GET', path);
      expect(answer.status, path).toBe(404);
      expect(answer.body).toBe('not found');
      expect(answer.headers['content-type']).toBe('text/plain; charset=utf-8');
    }
  });

  it('answers 405 to any method but GET and HEAD outside /ui-api/', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
      const answer = await send(method, '/index.html');
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow).toBe('GET');
      expect(answer.body).toBe('');
    }
  });
});

describe('/ui-api/', () => {
  it('answers 404 in JSON for a route it does not have, whatever the method', async () => {
    for (const [method, path] of [
      ['GET', '/ui-api/nowhere'],
      ['GET', '/ui-api/'],
      ['GET', '/ui-api/refresh'],
      ['POST', '/ui-api/session'],
      ['DELETE', '/ui-api/companies'],
    ] as const) {
      const answer = await send(method, `${path}?view=expired`);
      expect(answer.status).toBe(404);
      expect(json(answer, UiRefusalSchema)).toEqual({ error: `no route ${method} ${path}` });
    }
    expect((await send('HEAD', '/ui-api/session')).status).toBe(404);
  });

  it('tells the page who it is signed in as, without the secret', async () => {
    const answer = await send('GET', '/ui-api/session');
    expect(answer.status).toBe(200);
    expect(json(answer, DashboardSessionSchema)).toEqual({
      baseUrl: 'https://api.example',
      policy: { graceDays: 14, leadDays: [30, 7, 0], licenceTypes: {} },
      companyName: 'Acme Resellers',
      role: 'Reseller',
      companyId: null,
    });
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.body)));
  });

  it("answers a page of a view with the view's default order, today in UTC by the process's clock", async () => {
    const answer = await send('GET', '/ui-api/companies');
    expect(answer.status).toBe(200);
    expect(json(answer, CompanyPageSchema)).toEqual({
      asOf: '2026-03-10',
      timeZone: 'UTC',
      strategy: { name: 'server-filter', reason: 'the server filters' },
      warnings: [],
      fetchedAt: '2026-03-10T12:00:00.000Z',
      view: 'expired',
      sort: 'renewalDay',
      ascending: true,
      rows: [
        expect.objectContaining({ companyResourceId: 'a2', renewalDay: '2025-12-24' }),
        expect.objectContaining({ companyResourceId: 'a3', daysFromAsOf: -24, overBy: 1 }),
        {
          companyResourceId: 'a1',
          companyName: 'Company a1',
          resellerName: 'Reseller A',
          licenseTypeName: 'Standard',
          renewalDay: '2026-03-01',
          daysFromAsOf: -9,
          targetUserCount: 7,
          licenceLimit: 10,
          overBy: null,
          // Nine days past the renewal day: inside the 14 days of grace, lapsed from the 15th day after it.
          lifecycle: { state: 'in-grace', nextChange: '2026-03-16', nextState: 'lapsed' },
          acknowledgement: null,
        },
      ],
      total: 3,
      viewTotal: 3,
      resellerTotal: 3,
      page: 1,
      pageSize: 50,
      pageCount: 1,
      resellers: ['Reseller A', 'Reseller B'],
      licenceTypes: ['Standard'],
      acknowledgementsProblem: null,
    });
  });

  it('reads every parameter of a view, and takes an empty one as absent and a repeated one by its first value', async () => {
    const page = (query: string) =>
      send('GET', `/ui-api/companies?${query}`).then((answer) => json(answer, CompanyPageSchema));
    await expect(
      page(
        'view=expired&tz=Europe/Istanbul&asOf=2026-03-09&q=%20company%20&reseller=Reseller+A&sort=targetUserCount&dir=asc&page=2&pageSize=1',
      ),
    ).resolves.toMatchObject({
      asOf: '2026-03-09',
      timeZone: 'Europe/Istanbul',
      sort: 'targetUserCount',
      ascending: true,
      rows: [{ companyResourceId: 'a3' }],
      total: 2,
      viewTotal: 3,
      page: 2,
      pageSize: 1,
      pageCount: 2,
    });
    await expect(page('view=renewing&within=10')).resolves.toMatchObject({
      view: 'renewing',
      sort: 'renewalDay',
      ascending: true,
      rows: [{ companyResourceId: 'r1', daysFromAsOf: 10 }],
    });
    await expect(page('view=over-limit')).resolves.toMatchObject({ sort: 'companyName', ascending: true, total: 1 });
    await expect(page('view=&tz=&asOf=&within=&q=&reseller=&sort=&dir=&page=&pageSize=')).resolves.toMatchObject({
      view: 'expired',
      timeZone: 'UTC',
      asOf: '2026-03-10',
      sort: 'renewalDay',
      ascending: true,
      page: 1,
      pageSize: 50,
      total: 3,
    });
    await expect(page('view=renewing&view=bogus&pageSize=1&pageSize=x')).resolves.toMatchObject({
      view: 'renewing',
      pageSize: 1,
    });
    // A page past the end shows the last page; whole numbers may be written as JavaScript reads them.
    await expect(page('page=9&pageSize=2')).resolves.toMatchObject({ page: 2, rows: [{ companyResourceId: 'a1' }] });
    await expect(page('pageSize=1e1&within=%2030')).resolves.toMatchObject({ pageSize: 10 });
  });

  it('refuses a malformed parameter with 400 and says which, naming the first in the order it is read', async () => {
    const cases: [string, string][] = [
      ['view=bogus', 'view must be one of expired, renewing, over-limit'],
      ['dir=up', 'dir must be one of asc, desc'],
      ['pageSize=0', 'pageSize must be a whole number from 1 to 250'],
      ['pageSize=251', 'pageSize must be a whole number from 1 to 250'],
      ['pageSize=2.5', 'pageSize must be a whole number from 1 to 250'],
      ['pageSize=ten', 'pageSize must be a whole number from 1 to 250'],
      ['tz=Mars/Olympus', 'unknown time zone "Mars/Olympus"'],
      ['asOf=2026-02-30', 'as-of day "2026-02-30" is not a YYYY-MM-DD day'],
      ['asOf=10/03/2026', 'as-of day "10/03/2026" is not a YYYY-MM-DD day'],
      ['within=-1', 'within must be a whole number from 0 to 730'],
      ['within=731', 'within must be a whole number from 0 to 730'],
      ['month=2026-13', 'month "2026-13" is not a YYYY-MM month or older'],
      ['month=March', 'month "March" is not a YYYY-MM month or older'],
      [
        'age=overdue',
        'age must be one of overdue-0-30, overdue-31-60, overdue-61-90, overdue-90-plus, due-0-7, due-8-30, due-31-90',
      ],
      [
        'sort=licenseEndDate',
        'sort must be one of companyName, resellerName, licenseTypeName, renewalDay, targetUserCount, licenceLimit, overBy',
      ],
      ['page=0', `page must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`],
      ['page=Infinity', `page must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`],
      ['page=1e400', `page must be a whole number from 1 to ${Number.MAX_SAFE_INTEGER}`],
      ['pageSize=NaN', 'pageSize must be a whole number from 1 to 250'],
      ['pageSize=Infinity', 'pageSize must be a whole number from 1 to 250'],
      ['within=-Infinity', 'within must be a whole number from 0 to 730'],
      [
        'page=0&sort=bogus&within=-1&asOf=x&tz=x&pageSize=0&dir=x&view=x',
        'view must be one of expired, renewing, over-limit',
      ],
      ['page=0&sort=bogus&within=-1&asOf=x&tz=x&pageSize=0&dir=x', 'dir must be one of asc, desc'],
      ['page=0&sort=bogus&within=-1&asOf=x&tz=x&pageSize=0', 'pageSize must be a whole number from 1 to 250'],
      ['page=0&sort=bogus&within=-1&asOf=x&tz=x', 'unknown time zone "x"'],
      ['page=0&sort=bogus&within=-1&asOf=x', 'as-of day "x" is not a YYYY-MM-DD day'],
      ['page=0&sort=bogus&within=-1', 'within must be a whole number from 0 to 730'],
      [
        'page=0&sort=bogus',
        'sort must be one of companyName, resellerName, licenseTypeName, renewalDay, targetUserCount, licenceLimit, overBy',
      ],
    ];
    for (const [query, message] of cases) {
      const answer = await send('GET', `/ui-api/companies?${query}`);
      expect(answer.status, query).toBe(400);
      expect(json(answer, UiErrorSchema), query).toEqual(invalid(message));
    }
    const summary = await send('GET', '/ui-api/summary?tz=Nowhere&view=bogus');
    expect(summary.status).toBe(400);
    expect(json(summary, UiErrorSchema)).toEqual(invalid('unknown time zone "Nowhere"'));
  });

  it('sums up the figures and the monthly chart for a day and one reseller', async () => {
    const answer = await send('GET', '/ui-api/summary?tz=UTC&asOf=2026-03-10&reseller=Reseller+A');
    expect(answer.status).toBe(200);
    const summary = json(answer, DashboardSummarySchema) as {
      months: { month: string; lapsed: number; upcoming: number }[];
    };
    expect(summary).toMatchObject({
      asOf: '2026-03-10',
      timeZone: 'UTC',
      expiredNow: 2,
      expiredLast30Days: 2,
      renewingNext30Days: 1,
      renewingNext90Days: 1,
      targetUsersAffected: 18,
      overLimit: 1,
    });
    expect(summary.months).toHaveLength(23);
    expect(summary.months[0]).toEqual({ month: '2025-04', lapsed: 0, upcoming: 0 });
    expect(summary.months.find((bar) => bar.month === '2026-03')).toEqual({ month: '2026-03', lapsed: 1, upcoming: 1 });
    expect(summary.months.at(-1)?.month).toBe('2027-02');
  });

  it('narrows a view to a chart month or an ageing bucket, and counts the reseller as the key figures do', async () => {
    const page = (query: string) =>
      send('GET', `/ui-api/companies?${query}`).then((answer) => json(answer, CompanyPageSchema));
    const ids = (answer: unknown) =>
      (answer as { rows: { companyResourceId: string }[] }).rows.map((r) => r.companyResourceId);
    expect(ids(await page('month=2026-02'))).toEqual(['a3']);
    expect(ids(await page('month=2025-12&reseller=Reseller+B'))).toEqual(['a2']);
    // The chart's first month on 2027-02-01 is 2026-03: the older bar holds every lapse before it.
    expect(ids(await page('month=older&asOf=2027-02-01'))).toEqual(['a2', 'a3']);
    expect(ids(await page('month=older'))).toEqual([]);
    expect(ids(await page('age=overdue-0-30'))).toEqual(['a3', 'a1']);
    expect(ids(await page('age=overdue-61-90'))).toEqual(['a2']);
    expect(ids(await page('age=overdue-90-plus&asOf=2026-05-30'))).toEqual(['a2', 'a3']);
    expect(ids(await page('view=renewing&within=200&age=due-8-30'))).toEqual(['r1']);
    expect(ids(await page('view=renewing&within=200&month=2026-09'))).toEqual(['r2']);
    expect(ids(await page('age=overdue-0-30&month=2026-02&sort=companyName&dir=desc'))).toEqual(['a3']);
    await expect(page('reseller=Reseller+A&month=2026-03')).resolves.toMatchObject({
      total: 1,
      viewTotal: 3,
      resellerTotal: 2,
    });
    const summary = json(await send('GET', '/ui-api/summary?reseller=Reseller+A'), DashboardSummarySchema);
    expect(summary).toMatchObject({ expiredNow: 2 });
    const file = await send('GET', '/ui-api/export?format=csv&age=overdue-0-30');
    expect(file.headers['x-total-count']).toBe('2');
  });

  it('counts the ageing buckets and the lapses older than the chart, and says which day is today', async () => {
    const summary = json(await send('GET', '/ui-api/summary?asOf=2026-06-01'), DashboardSummarySchema);
    expect(summary).toMatchObject({ asOf: '2026-06-01', today: '2026-03-10', olderLapsed: 0 });
    const later = json(
      await send('GET', '/ui-api/summary?asOf=2027-02-01&tz=Pacific/Auckland'),
      DashboardSummarySchema,
    );
    expect(later).toMatchObject({ today: '2026-03-11', olderLapsed: 2 });
    const today = json(await send('GET', '/ui-api/summary'), DashboardSummarySchema) as {
      ageing: { bucket: string; count: number }[];
    };
    expect(today).toMatchObject({ asOf: '2026-03-10', today: '2026-03-10' });
    expect(today.ageing).toEqual([
      { bucket: 'overdue-0-30', count: 2 },
      { bucket: 'overdue-31-60', count: 0 },
      { bucket: 'overdue-61-90', count: 1 },
      { bucket: 'overdue-90-plus', count: 0 },
      { bucket: 'due-0-7', count: 0 },
      { bucket: 'due-8-30', count: 1 },
      { bucket: 'due-31-90', count: 0 },
    ]);
  });

  it("answers one company's details with the companies above it, and 404 for one the API does not know", async () => {
    const answer = await send('GET', '/ui-api/companies/a1');
    expect(answer.status).toBe(200);
    expect(json(answer, CompanyDetailSchema)).toEqual({
      company: COMPANY_A1,
      asOf: '2026-03-10',
      lifecycle: { state: 'in-grace', nextChange: '2026-03-16', nextState: 'lapsed' },
      acknowledgement: null,
      parents: [
        { resourceId: 'ra', name: 'Reseller A' },
        { resourceId: 'sub', name: 'Sub Reseller' },
      ],
    });
    const missing = await send('GET', '/ui-api/companies/nobody');
    expect(missing.status).toBe(404);
    expect(json(missing, UiErrorSchema)).toMatchObject({ error: { kind: 'not-found' } });
    failure = new NetworkError('connect ECONNREFUSED');
    expect((await send('GET', '/ui-api/companies/a1')).status).toBe(502);
  });

  it('says whether the API answers now, and since when it has not', async () => {
    const fresh = await startFreshServer();
    const health = async () => {
      const answer = await fetch(`${fresh.url}ui-api/health`, { headers: { 'x-lapse-dashboard': '1' } });
      expect(answer.status).toBe(200);
      const body: unknown = await answer.json();
      expect([...Value.Errors(ApiHealthSchema, body)]).toEqual([]);
      return body;
    };
    try {
      failure = new NetworkError('connect ECONNREFUSED');
      await expect(health()).resolves.toEqual({
        checkedAt: new Date(NOW).toISOString(),
        isReachable: false,
        failingSince: new Date(NOW).toISOString(),
        detail: 'connect ECONNREFUSED',
      });
      // Checks close together share one answer.
      failure = undefined;
      await expect(health()).resolves.toMatchObject({ isReachable: false });
    } finally {
      await fresh.close();
    }
    await expect(
      fetch(`${server.url}ui-api/health`, { headers: { 'x-lapse-dashboard': '1' } }).then((r) => r.json()),
    ).resolves.toMatchObject({ isReachable: true, failingSince: null });
  });

  it('downloads all rows of a view under its filter and order, as CSV or Excel', async () => {
    const csv = await send(
      'GET',
      '/ui-api/export?format=csv&view=expired&reseller=Reseller+A&sort=companyName&dir=desc&page=2&pageSize=1',
    );
    expect(csv.status).toBe(200);
    expect(csv.headers).toMatchObject({
      'content-type': EXPORT_CONTENT_TYPES.CSV,
      'content-disposition': 'attachment; filename="lapse-expired-2026-03-10.csv"',
      'cache-control': 'no-store',
      'x-total-count': '2',
      ...SECURITY_HEADERS,
    });
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split(/\r?\n/);
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain('a3');
    expect(lines[2]).toContain('a1');
    const xlsx = await send('GET', '/ui-api/export?format=xlsx&view=over-limit&asOf=2026-01-02');
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers).toMatchObject({
      'content-type': EXPORT_CONTENT_TYPES.Excel,
      'content-disposition': 'attachment; filename="lapse-over-limit-2026-01-02.xlsx"',
      'x-total-count': '1',
    });
    expect(xlsx.body.startsWith('PK')).toBe(true);
  });

  it('refuses a download in an unknown format before reading the rest', async () => {
    for (const query of ['', 'format=', 'format=pdf', 'format=pdf&view=bogus', 'format=CSV']) {
      const answer = await send('GET', `/ui-api/export?${query}`);
      expect(answer.status, query).toBe(400);
      expect(json(answer, UiErrorSchema)).toEqual(invalid('format must be one of csv, xlsx'));
    }
    expect(json(await send('GET', '/ui-api/export?format=csv&view=bogus'), UiErrorSchema)).toEqual(
      invalid('view must be one of expired, renewing, over-limit'),
    );
  });

  it("lets only the page's own origin drop the listings", async () => {
    const own = `http://127.0.0.1:${port}`;
    const dropped = await send('POST', '/ui-api/refresh', { origin: own });
    expect(dropped).toMatchObject({ status: 204, body: '' });
    const others: Record<string, string>[] = [
      { origin: 'http://attacker.example' },
      {},
      { origin: `http://localhost:${port}` },
    ];
    for (const headers of others) {
      const refused = await send('POST', '/ui-api/refresh', headers);
      expect(refused.status).toBe(403);
      expect(json(refused, UiRefusalSchema)).toEqual({ error: 'cross-origin request' });
    }
    const form = await send('POST', '/ui-api/refresh', {
      origin: 'http://attacker.example',
      'content-type': 'application/x-www-form-urlencoded',
    });
    expect(form.status).toBe(403);
  });

  it('answers 400 to a malformed % escape in the path or the query', async () => {
    for (const path of [
      '/ui-api/%zz',
      '/ui-api/session%',
      '/ui-api/companies%2',
      '/ui-api/companies?view=expired&q=%E0%A4%A',
      '/ui-api/export?format=csv&view=expired&q=%',
      '/ui-api/summary?reseller=%ff',
      '/ui-api/summary?%zz=1',
    ]) {
      const answer = await send('GET', path);
      expect({ path, status: answer.status }).toEqual({ path, status: 400 });
      expect(json(answer, UiErrorSchema)).toEqual(invalid('the address holds a malformed % escape'));
    }
  });

  it('serves its API to its own page and to links the page opens, never to another site', async () => {
    const own = `http://127.0.0.1:${port}`;
    const accepted: Record<string, string>[] = [
      { 'x-lapse-dashboard': '1' },
      { 'x-lapse-dashboard': '1', origin: own, 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'same-origin' },
      { 'sec-fetch-site': 'none' },
    ];
    for (const headers of accepted) {
      expect({ headers, status: (await sendBare('GET', '/ui-api/session', headers)).status }).toEqual({
        headers,
        status: 200,
      });
    }
    const download = await sendBare('GET', '/ui-api/export?format=csv&view=expired', {
      'sec-fetch-site': 'same-origin',
    });
    expect(download.status).toBe(200);
    const refused: Record<string, string>[] = [
      {},
      { origin: 'http://attacker.example' },
      { 'x-lapse-dashboard': '1', origin: 'http://attacker.example' },
      { 'x-lapse-dashboard': '1', origin: `http://localhost:${port}` },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'x-lapse-dashboard': '1', 'sec-fetch-site': 'cross-site' },
      { 'x-lapse-dashboard': 'yes' },
    ];
    for (const path of [
      '/ui-api/session',
      '/ui-api/export?format=csv&view=expired',
      '/ui-api/companies?view=expired',
    ]) {
      for (const headers of refused) {
        const answer = await sendBare('GET', path, headers);
        expect({ path, headers, status: answer.status }).toEqual({ path, headers, status: 403 });
        expect(json(answer, UiRefusalSchema)).toEqual({ error: 'cross-origin request' });
      }
    }
    // The page's files stay open to any request: they hold nothing of the credential's.
    expect((await sendBare('GET', '/', {})).status).toBe(200);
  });

  it('tells the page what failed and what to do about it, by SDK error category', async () => {
    failure = new AuthError('invalid_client');
    const auth = await send('GET', '/ui-api/companies?view=over-limit');
    expect(auth.status).toBe(401);
    expect(json(auth, UiErrorSchema)).toEqual({
      error: {
        kind: 'auth',
        title: 'The API refused the credential',
        message:
          'The client id or secret was not accepted by https://api.example. Check LAPSE_CLIENT_ID and LAPSE_CLIENT_SECRET, then restart lapse ui.',
        detail: 'invalid_client',
      },
    });
    failure = new NetworkError('connect ECONNREFUSED');
    const network = await send('GET', '/ui-api/export?format=csv&view=over-limit');
    expect(network.status).toBe(502);
    expect(json(network, UiErrorSchema)).toMatchObject({
      error: { kind: 'unreachable', detail: 'connect ECONNREFUSED' },
    });
  });

  it('learns the role before describing a refusal when no page has asked for the session yet', async () => {
    const fresh = await startFreshServer('customer123');
    try {
      failure = new ForbiddenError('not managed');
      const calls = whoamiCalls;
      const answer = await fetch(`${fresh.url}ui-api/companies?view=over-limit`, {
        headers: { 'x-lapse-dashboard': '1' },
      });
      expect(answer.status).toBe(403);
      expect(whoamiCalls).toBe(calls + 1);
      await expect(answer.json()).resolves.toMatchObject({
        error: { kind: 'forbidden', title: 'Company not managed by this credential', detail: 'not managed' },
      });
    } finally {
      await fresh.close();
    }
  });

  it('closes with a kept-alive connection still open', async () => {
    const other = await startFreshServer();
    await fetch(`${other.url}ui-api/session`, { headers: { connection: 'keep-alive' } }).then((r) => r.text());
    await other.close();
    await expect(fetch(`${other.url}ui-api/session`)).rejects.toThrow();
  });
});
