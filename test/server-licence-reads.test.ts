// contract §10: license-check, licenseexpirydate, get-current-time and lookups/licenses over real HTTP on both
// databases, every answer checked against the contract's and the vendor's schemas (support/wire-schemas.ts), and
// the values against the companies read straight from the database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LICENSE_PERIOD_TYPES,
  type LicenseCheck,
  type LicenseLookups,
  licenseModuleResourceIdOf,
  type ServiceResult,
  WINDOWS_TIME_ZONES,
} from '../src/contract/index.js';
import { callApi, fetchToken } from './support/api.js';
import { type CompanyRecord, type CompanyTree, readCompanyTree } from './support/company-rows.js';
import { DATABASE_KINDS } from './support/databases.js';
import { PINNED_NOW_MS, pinnedClock } from './support/pinned-clock.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const UNKNOWN_ID = 'ZZZZZZZZZZZZ';
const DAY_MS = 86_400_000;

describe.each(DATABASE_KINDS)('the licence reads on %s', (kind) => {
  let server: TestServer;
  let tree: CompanyTree;
  const tokens = {} as Record<keyof TestServer['credentials'], string>;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 300, ...pinnedClock });
    tree = await readCompanyTree(server.databaseLocation);
    for (const name of Object.keys(server.credentials) as (keyof TestServer['credentials'])[]) {
      tokens[name] = await fetchToken(server.baseUrl, server.credentials[name]);
    }
  });
  afterAll(() => server?.close());

  const own = (name: keyof TestServer['credentials']) => tree.company(server.credentials[name].companyResourceId);
  const managed = () => tree.descendants(server.credentials.reseller.companyResourceId);
  const outside = () => {
    const below = new Set(managed().map((row) => row.resourceId));
    const row = tree.rows.find((r) => r.parentId !== null && !below.has(r.resourceId) && r !== own('reseller'));
    if (!row) throw new Error('every company is below the reseller');
    return row;
  };

  describe('GET /api/companies/{resourceId}/license-check', () => {
    const check = (token: string, resourceId: string) =>
      callApi<ServiceResult<LicenseCheck>>(server.baseUrl, `/api/companies/${resourceId}/license-check`, { token });
    const expected = (row: CompanyRecord): LicenseCheck => ({
      isLimited: row.isNumberOfUsersLimited,
      licenseLimit: row.isNumberOfUsersLimited ? row.numberOfUsers : null,
      activeUserCount: row.targetUserCount,
      totalUserCount: row.targetUserCount + row.inactiveTargetUserCount,
      isLicenseExceeded: row.isNumberOfUsersLimited && row.targetUserCount > row.numberOfUsers,
    });

    it('answers every managed company as the database holds it, over limit and unlimited included', async () => {
      const rows = managed();
      expect(rows.some((row) => !row.isNumberOfUsersLimited)).toBe(true);
      expect(rows.some((row) => row.isNumberOfUsersLimited && row.targetUserCount > row.numberOfUsers)).toBe(true);
      for (const row of rows.slice(0, 60)) {
        const response = await check(tokens.reseller, row.resourceId);
        expect(response.status).toBe(200);
        expect(response.body).toEqual({
          data: expected(row),
          status: 'SUCCESS',
          message: null,
          validationMessages: null,
        });
      }
    });

    it('a Company Admin reads its own company and no other; Root reads any', async () => {
      const admin = own('companyAdmin');
      expect((await check(tokens.companyAdmin, admin.resourceId)).body.data).toEqual(expected(admin));
      const other = managed().find((row) => row.id !== admin.id) as CompanyRecord;
      expect((await check(tokens.companyAdmin, other.resourceId)).status).toBe(403);
      expect((await check(tokens.root, outside().resourceId)).body.data).toEqual(expected(outside()));
    });

    it('403 outside the reseller and on itself, 404 for an unknown or malformed id, 401 without a token', async () => {
      for (const id of [outside().resourceId, own('reseller').resourceId]) {
        const response = await check(tokens.reseller, id);
        expect(response.status).toBe(403);
        expect(response.body).toMatchObject({ data: null, status: 'FORBIDDEN' });
      }
      for (const id of [UNKNOWN_ID, 'short', 'x'.repeat(64)]) {
        const response = await check(tokens.reseller, id);
        expect(response.status).toBe(404);
        expect(response.body.status).toBe('NOT_FOUND');
      }
      const tooLong = await check(tokens.reseller, 'x'.repeat(65));
      expect(tooLong.status).toBe(400);
      expect(tooLong.body.validationMessages).toEqual(['resourceId: must NOT have more than 64 characters']);
      const anonymous = await callApi(server.baseUrl, `/api/companies/${UNKNOWN_ID}/license-check`);
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toContain('invalid_token');
    });
  });

  describe('POST /api/companies/licenseexpirydate', () => {
    const expiry = (token: string, body: unknown, headers: Record<string, string> = {}) =>
      callApi<ServiceResult<{ licenseExpiryDate: string | null }>>(server.baseUrl, '/api/companies/licenseexpirydate', {
        token,
        body,
        headers,
      });
    const withPeriod = (resourceId: string) =>
      managed().find((row) => row.licensePeriodTypeResourceId === resourceId) as CompanyRecord;

    it("adds the scoped company's licence period to the start date: 365 days, 3 × 365 days, none for Custom", async () => {
      const cases = [
        [LICENSE_PERIOD_TYPES.oneYear, '2026-01-15T00:00:00.000Z', '2027-01-15T00:00:00.000Z'],
        [LICENSE_PERIOD_TYPES.threeYears, '2027-06-01T00:00:00.000Z', '2030-05-31T00:00:00.000Z'],
        [LICENSE_PERIOD_TYPES.custom, '2026-01-15T00:00:00.000Z', null],
      ] as const;
      for (const [periodType, start, end] of cases) {
        const company = withPeriod(periodType.resourceId);
        expect(company, `a managed company with period ${periodType.name}`).toBeDefined();
        const response = await expiry(
          tokens.reseller,
          { licenseStartDate: start },
          { 'x-keepnet-company-id': company.resourceId },
        );
        expect(response.status).toBe(200);
        expect(response.body).toEqual({
          data: { licenseExpiryDate: end },
          status: 'SUCCESS',
          message: null,
          validationMessages: null,
        });
      }
    });

    it('reads a day, a date-time with an offset or without a zone (UTC), any property-name case, ?companyId=', async () => {
      const company = withPeriod(LICENSE_PERIOD_TYPES.oneYear.resourceId);
      const path = `/api/companies/licenseexpirydate?companyId=${company.resourceId}`;
      for (const [start, end] of [
        ['2026-02-01', '2027-02-01T00:00:00.000Z'],
        ['2026-02-01T10:30:00+03:00', '2027-02-01T07:30:00.000Z'],
        ['2026-02-01T10:30:00', '2027-02-01T10:30:00.000Z'],
      ]) {
        const response = await callApi(server.baseUrl, path, {
          token: tokens.reseller,
          body: { LicenseStartDate: start },
        });
        expect(response.body.data).toEqual({ licenseExpiryDate: end });
      }
    });

    it("a Company Admin gets its own company's period without naming it", async () => {
      const admin = own('companyAdmin');
      const days = admin.licensePeriodTypeResourceId === LICENSE_PERIOD_TYPES.threeYears.resourceId ? 3 * 365 : 365;
      const response = await expiry(tokens.companyAdmin, { licenseStartDate: '2026-05-01' });
      expect(response.status).toBe(200);
      const isCustom = admin.licensePeriodTypeResourceId === LICENSE_PERIOD_TYPES.custom.resourceId;
      const end = isCustom ? null : new Date(Date.parse('2026-05-01T00:00:00Z') + days * DAY_MS).toISOString();
      expect(response.body.data).toEqual({ licenseExpiryDate: end });
    });

    it('400 naming the path for a day-first or missing date, an unknown property, no company named', async () => {
      const scoped = { 'x-keepnet-company-id': managed()[0]?.resourceId ?? '' };
      const cases: [unknown, Record<string, string>, string[]][] = [
        [
          { licenseStartDate: '31/12/2025' },
          scoped,
          ['licenseStartDate: "31/12/2025" is not an ISO-8601 date (YYYY-MM-DD) or date-time'],
        ],
        [
          { licenseStartDate: '2025-02-30' },
          scoped,
          ['licenseStartDate: "2025-02-30" is not an ISO-8601 date (YYYY-MM-DD) or date-time'],
        ],
        [{}, scoped, ['licenseStartDate: is required']],
        [{ licenseStartDate: 20260101 }, scoped, ['licenseStartDate: must be string']],
        [
          { licenseStartDate: '2026-01-01', licenseEndDate: '2027-01-01' },
          scoped,
          ['licenseEndDate: is not a known property'],
        ],
        [
          { licenseStartDate: '9999-06-01' },
          { 'x-keepnet-company-id': withPeriod(LICENSE_PERIOD_TYPES.oneYear.resourceId).resourceId },
          ['licenseStartDate: the licence would end after 9999-12-31'],
        ],
        [
          { licenseStartDate: '2026-01-01' },
          {},
          ['x-keepnet-company-id: names the company whose licence period applies (or ?companyId=)'],
        ],
      ];
      for (const [body, headers, messages] of cases) {
        const response = await expiry(tokens.reseller, body, headers);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(response.body).toMatchObject({ status: 'INPUT_ERROR', validationMessages: messages });
      }
      const notJson = await callApi(server.baseUrl, '/api/companies/licenseexpirydate', {
        token: tokens.reseller,
        rawBody: 'licenseStartDate=2026-01-01',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(notJson.status).toBe(415);
    });

    it('403 for a company outside the reseller, 404 for an unknown one, 401 without a token', async () => {
      const body = { licenseStartDate: '2026-01-01' };
      expect((await expiry(tokens.reseller, body, { 'x-keepnet-company-id': outside().resourceId })).status).toBe(403);
      expect(
        (await expiry(tokens.companyAdmin, body, { 'x-keepnet-company-id': managed()[0]?.resourceId ?? '' })).status,
      ).toBe(own('companyAdmin').resourceId === managed()[0]?.resourceId ? 200 : 403);
      expect((await expiry(tokens.reseller, body, { 'x-keepnet-company-id': UNKNOWN_ID })).status).toBe(404);
      expect((await expiry('', body)).status).toBe(401);
    });
  });

  describe('GET /api/companies/get-current-time/{timeZoneId}', () => {
    const currentTime = (timeZoneId: string, token = tokens.reseller) =>
      callApi<ServiceResult<string>>(
        server.baseUrl,
        `/api/companies/get-current-time/${encodeURIComponent(timeZoneId)}`,
        { token },
      );

    it('answers the pinned instant as wall-clock time with its offset, for Windows and IANA ids', async () => {
      // 2026-11-26T12:00:00Z.
      const cases = [
        ['Turkey Standard Time', '2026-11-26T15:00:00.000+03:00'],
        ['turkey standard time', '2026-11-26T15:00:00.000+03:00'],
        ['Europe/Istanbul', '2026-11-26T15:00:00.000+03:00'],
        ['Eastern Standard Time', '2026-11-26T07:00:00.000-05:00'],
        ['India Standard Time', '2026-11-26T17:30:00.000+05:30'],
        ['Chatham Islands Standard Time', '2026-11-27T01:45:00.000+13:45'],
        ['UTC', '2026-11-26T12:00:00.000+00:00'],
        ['America/Los_Angeles', '2026-11-26T04:00:00.000-08:00'],
      ] as const;
      for (const [id, expected] of cases) {
        const response = await currentTime(id);
        expect(response.status, id).toBe(200);
        expect(response.body).toEqual({ data: expected, status: 'SUCCESS', message: null, validationMessages: null });
        expect(Date.parse(response.body.data ?? '')).toBe(PINNED_NOW_MS);
      }
      expect((await currentTime('Pacific/Auckland', tokens.companyAdmin)).status).toBe(200);
    });

    it('every Windows id of the table names a zone the platform knows', async () => {
      for (const id of Object.keys(WINDOWS_TIME_ZONES)) {
        const response = await currentTime(id);
        expect(response.status, id).toBe(200);
      }
    });

    it('400 naming an unknown id; 401 without a token', async () => {
      for (const id of ['Mars/Olympus', 'Turkey Time', '+03:00', 'x'.repeat(100)]) {
        const response = await currentTime(id);
        expect(response.status, id).toBe(400);
        expect(response.body.validationMessages).toEqual([
          `timeZoneId: ${JSON.stringify(id)} is not a known time zone ` +
            '(a Windows id such as "Turkey Standard Time", or an IANA id such as "Europe/Istanbul")',
        ]);
      }
      const tooLong = await currentTime('x'.repeat(101));
      expect(tooLong.status).toBe(414);
      expect(tooLong.body).toMatchObject({
        status: 'INPUT_ERROR',
        message: 'A path segment is longer than 100 characters.',
      });
      const badEncoding = await callApi(server.baseUrl, '/api/companies/get-current-time/%E0%A4%A', {
        token: tokens.reseller,
      });
      expect(badEncoding.status).toBe(400);
      expect(badEncoding.body.validationMessages).toEqual(['path: is not valid percent-encoding']);
      for (const refused of [tooLong, badEncoding]) {
        expect(refused.headers.get('x-request-id')).toBeTruthy();
        expect(refused.headers.get('x-content-type-options')).toBe('nosniff');
      }
      expect((await currentTime('UTC', '')).status).toBe(401);
    });
  });

  describe('GET /api/lookups/licenses', () => {
    it('lists every licence type with the modules its companies hold, and every module', async () => {
      const response = await callApi<ServiceResult<LicenseLookups>>(server.baseUrl, '/api/lookups/licenses', {
        token: tokens.companyAdmin,
      });
      expect(response.status).toBe(200);
      const lookups = response.body.data as LicenseLookups;
      const types = await server.storage.db.selectFrom('license_types').select(['resource_id', 'name']).execute();
      expect(lookups.licenses.map((entry) => entry.resourceId).sort()).toEqual(types.map((t) => t.resource_id).sort());
      const held = new Map<string, Set<string>>();
      for (const row of tree.rows) {
        if (row.licenseTypeResourceId === null) continue;
        const names = held.get(row.licenseTypeResourceId) ?? new Set<string>();
        for (const name of row.licenseModules) names.add(name);
        held.set(row.licenseTypeResourceId, names);
      }
      const allNames = [...new Set([...held.values()].flatMap((names) => [...names]))].sort();
      expect(allNames.length).toBeGreaterThan(1);
      expect(lookups.allLicenseModules).toEqual(
        allNames.map((name) => ({ resourceId: licenseModuleResourceIdOf(name), name, isAvailable: true })),
      );
      for (const entry of lookups.licenses) {
        expect(entry.licenseModules.map((module) => module.name)).toEqual(allNames);
        const available = entry.licenseModules.filter((module) => module.isAvailable).map((module) => module.name);
        expect(available).toEqual(allNames.filter((name) => held.get(entry.resourceId)?.has(name)));
      }
      expect(new Set(lookups.allLicenseModules.map((module) => module.resourceId)).size).toBe(allNames.length);
      expect(lookups.allLicenseModules.every((module) => /^[A-Za-z0-9]{12}$/.test(module.resourceId))).toBe(true);
    });

    it("names each module by the id the search's ModuleResourceId filter takes", async () => {
      const lookups = (
        await callApi<ServiceResult<LicenseLookups>>(server.baseUrl, '/api/lookups/licenses', { token: tokens.root })
      ).body.data as LicenseLookups;
      for (const module of lookups.allLicenseModules) {
        const filter = {
          condition: 'AND',
          filterGroups: [
            {
              condition: 'AND',
              filterItems: [{ fieldName: 'ModuleResourceId', operator: 'Include', value: module.resourceId }],
            },
          ],
        };
        const found = await callApi(server.baseUrl, '/api/companies/search', {
          token: tokens.root,
          body: { pageNumber: 1, pageSize: 1, orderBy: 'CompanyName', ascending: true, filter },
        });
        expect(found.status, JSON.stringify(found.body)).toBe(200);
        const holding = tree.rows.filter((row) => row.licenseModules.includes(module.name));
        expect(found.body.data.totalNumberOfRecords, module.name).toBe(holding.length);
      }
    });

    it('follows a write at once: a module a company gains appears for its licence type', async () => {
      const lookup = async () =>
        (await callApi<ServiceResult<LicenseLookups>>(server.baseUrl, '/api/lookups/licenses', { token: tokens.root }))
          .body.data as LicenseLookups;
      const before = await lookup();
      expect(await lookup()).toEqual(before);
      const company = tree.rows.find((row) => row.licenseTypeResourceId !== null) as CompanyRecord;
      await server.storage.db
        .updateTable('companies')
        .set({ license_modules: JSON.stringify([...company.licenseModules, 'Zeta Module']) })
        .where('resource_id', '=', company.resourceId)
        .execute();
      const after = await lookup();
      expect(after.allLicenseModules.map((module) => module.name)).toContain('Zeta Module');
      const entry = after.licenses.find((license) => license.resourceId === company.licenseTypeResourceId);
      expect(entry?.licenseModules.find((module) => module.name === 'Zeta Module')?.isAvailable).toBe(true);
      const others = after.licenses.filter((license) => license !== entry);
      expect(
        others.every((license) => !license.licenseModules.find((m) => m.name === 'Zeta Module')?.isAvailable),
      ).toBe(true);
    });

    it('401 without a token', async () => {
      const response = await callApi(server.baseUrl, '/api/lookups/licenses');
      expect(response.status).toBe(401);
    });
  });

  it('each route is in /openapi.json with its response schema', async () => {
    const openapi = await callApi(server.baseUrl, '/openapi.json');
    const paths = openapi.body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths['/api/companies/{resourceId}/license-check'] ?? {})).toContain('get');
    expect(Object.keys(paths['/api/companies/licenseexpirydate'] ?? {})).toContain('post');
    expect(Object.keys(paths['/api/companies/get-current-time/{timeZoneId}'] ?? {})).toContain('get');
    expect(Object.keys(paths['/api/lookups/licenses'] ?? {})).toContain('get');
  });
});
