// contract §4 "What expired means" and the date filters: licenceExpired, LicenseEndDate comparisons by day and
// by instant, nulls, offsets and bad dates, each against the in-memory oracle.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchCompanyDto } from '../src/contract/index.js';
import { callApi, fetchToken, searchBody } from './support/api.js';
import { type CompanyTree, readCompanyTree } from './support/company-rows.js';
import { DATABASE_KINDS } from './support/databases.js';
import {
  expectedMatches,
  isLicenceExpired,
  type OracleContext,
  type OracleFilter,
  type OracleFilterItem,
} from './support/filter-oracle.js';
import { PINNED_TODAY, PINNED_TODAY_START_MS, pinnedClock } from './support/pinned-clock.js';
import { resourceIdsOf, searchAllPages, sortedIds } from './support/search-pages.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const oneItem = (item: OracleFilterItem): OracleFilter => ({
  Condition: 'AND',
  FilterGroups: [{ Condition: 'AND', FilterItems: [item] }],
});

const DATE_COMPARISONS: [string, string, string][] = [
  ['LicenseEndDate', '<', PINNED_TODAY],
  ['LicenseEndDate', '<', `${PINNED_TODAY}T00:00:00Z`],
  ['LicenseEndDate', '<', '2026-11-25T23:00:00Z'],
  ['LicenseEndDate', '<', '2026-11-25T23:45:00Z'],
  ['LicenseEndDate', '<=', '2026-11-25'],
  ['LicenseEndDate', '<=', PINNED_TODAY],
  ['LicenseEndDate', '=', PINNED_TODAY],
  ['LicenseEndDate', '!=', PINNED_TODAY],
  ['LicenseEndDate', '>', PINNED_TODAY],
  ['LicenseEndDate', '>=', PINNED_TODAY],
  ['LicenseEndDate', '>=', `${PINNED_TODAY}T05:30:00+05:30`],
  ['LicenseEndDate', '<', '2026-11-26T01:00:00-01:00'],
  ['LicenseEndDate', '=', '2026-11-26T00:00:00.000Z'],
  ['LicenseEndDate', '!=', '2026-11-26T00:00:00Z'],
  ['RenewalDate', '<', PINNED_TODAY],
  ['renewaldate', '>=', '2026-12-26'],
  ['CreateTime', '<', '2024-01-01'],
  ['CreateTime', '>=', '2025-06-01T12:00:00Z'],
];

describe.each(DATABASE_KINDS)('licence expiry and date filters on %s', (kind) => {
  let server: TestServer;
  let tree: CompanyTree;
  let token: string;
  let context: OracleContext;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 500, ...pinnedClock });
    tree = await readCompanyTree(server.databaseLocation);
    token = await fetchToken(server.baseUrl, server.credentials.root);
    context = { tree, todayStartMs: PINNED_TODAY_START_MS };
  });
  afterAll(() => server?.close());

  const searchWith = async (filter: OracleFilter) =>
    (await searchAllPages(server.baseUrl, { token, body: searchBody({ pageSize: 250, filter }) })).results;

  const expectedIds = (filter: OracleFilter) =>
    sortedIds(expectedMatches(tree.rows, { filter }, context).map((row) => row.resourceId));

  it('licenceExpired of every company is the renewal day before today (UTC)', async () => {
    const results = await searchWith({});
    expect(results).toHaveLength(tree.rows.length);
    for (const dto of results) {
      expect(dto.licenceExpired, dto.companyResourceId).toBe(
        isLicenceExpired(tree.company(dto.companyResourceId), PINNED_TODAY_START_MS),
      );
    }
    // The seed must hold both kinds, or the loop above proves nothing.
    expect(results.some((dto) => dto.licenceExpired)).toBe(true);
    expect(results.some((dto) => !dto.licenceExpired)).toBe(true);
  });

  it('a licence renewing today is not expired, and neither is one without a renewal date', async () => {
    const results = await searchWith({});
    const renewingToday = results.filter((dto) => dto.licenseEndDate?.startsWith(PINNED_TODAY));
    const openEnded = results.filter((dto) => dto.licenseEndDate === null);
    expect(renewingToday.length).toBeGreaterThan(0);
    expect(openEnded.length).toBeGreaterThan(0);
    for (const dto of [...renewingToday, ...openEnded]) expect(dto.licenceExpired, dto.companyResourceId).toBe(false);
    // Yesterday, even one minute before midnight, is expired.
    const yesterday = results.filter((dto) => dto.licenseEndDate?.startsWith('2026-11-25'));
    for (const dto of yesterday) expect(dto.licenceExpired).toBe(true);
  });

  it.each(['true', 'false', 'TRUE'])('LicenceExpired = %s keeps exactly the oracle rows', async (value) => {
    for (const field of ['LicenceExpired', 'LicenseExpired']) {
      const filter = oneItem({ FieldName: field, Operator: '=', Value: value });
      const ids = sortedIds(resourceIdsOf(await searchWith(filter)));
      expect(ids).toEqual(expectedIds(filter));
      expect(ids.length).toBeGreaterThan(0);
    }
  });

  it.each(DATE_COMPARISONS)('%s %s "%s" keeps exactly the oracle rows', async (field, operator, value) => {
    const filter = oneItem({ FieldName: field, Operator: operator, Value: value });
    const results = await searchWith(filter);
    expect(sortedIds(resourceIdsOf(results))).toEqual(expectedIds(filter));
    // contract §4: no renewal date never matches a date comparison, "!=" included.
    if (field.toLowerCase() !== 'createtime') {
      expect(results.filter((dto: SearchCompanyDto) => dto.licenseEndDate === null)).toEqual([]);
    }
  });

  it('a day compares by calendar day and a date-time as an instant', async () => {
    // A renewal off UTC midnight tells the two apart: "<= its day" keeps it, "<= its day at 00:00Z" does not.
    const offMidnight = tree.rows.find((row) => row.licenseEndAt !== null && row.licenseEndAt % 86_400_000 !== 0);
    if (!offMidnight?.licenseEndAt) throw new Error('the seed has no renewal off midnight');
    const day = new Date(offMidnight.licenseEndAt).toISOString().slice(0, 10);
    for (const [value, isKept] of [
      [day, true],
      [`${day}T00:00:00Z`, false],
    ] as const) {
      const filter = oneItem({ FieldName: 'LicenseEndDate', Operator: '<=', Value: value });
      const ids = sortedIds(resourceIdsOf(await searchWith(filter)));
      expect(ids).toEqual(expectedIds(filter));
      expect(ids.includes(offMidnight.resourceId), value).toBe(isKept);
    }
  });

  it('a between of two items in an AND group keeps the renewals in the window', async () => {
    const filter: OracleFilter = {
      FilterGroups: [
        {
          Condition: 'AND',
          FilterItems: [
            { FieldName: 'RenewalDate', Operator: '>=', Value: PINNED_TODAY },
            { FieldName: 'RenewalDate', Operator: '<=', Value: '2026-12-26' },
          ],
        },
      ],
    };
    const ids = sortedIds(resourceIdsOf(await searchWith(filter)));
    expect(ids).toEqual(expectedIds(filter));
    expect(ids.length).toBeGreaterThan(0);
  });

  it.each(['31/12/2025', '2026-02-30', '2026-11-26T24:00', '2026-11-26 10:00', '2026-13-01', 'tomorrow', ''])(
    'a bad date "%s" is a 400 naming the JSON path',
    async (value) => {
      const response = await callApi(server.baseUrl, '/api/companies/search', {
        token,
        body: searchBody({ filter: oneItem({ FieldName: 'LicenseEndDate', Operator: '<', Value: value }) }),
      });
      expect(response.status).toBe(400);
      expect(response.body.status).toBe('INPUT_ERROR');
      expect(response.body.message).toBe('Invalid request');
      expect(response.body.validationMessages.join('\n')).toContain('filter.FilterGroups[0].FilterItems[0].Value');
    },
  );
});
