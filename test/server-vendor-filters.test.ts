// contract §4 over real HTTP on both databases: the request shapes the vendor's own web UI and AI agent send
// (Name, ModuleResourceId, MonthlyActiveUser, the training columns, CustomFieldName, Contains on every shown
// column, zone-less date-times, orderBy tags) are answered as the oracle says; the month MonthlyActiveUser picks
// is the one monthlyActiveUserCount reports, in pages, clustered pages and exports; bad values are 400s naming
// their JSON path.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LICENSE_MODULES, ORDER_BY, type SearchCompanyDto } from '../src/contract/index.js';
import { type ApiResponse, callApi, checkedBytes, fetchToken, searchBody } from './support/api.js';
import { type CompanyTree, type MonthlyUsage, readCompanyTree, readMonthlyUsage } from './support/company-rows.js';
import { DATABASE_KINDS } from './support/databases.js';
import { expectedMatches, monthlyCountOf, type OracleContext, type OracleFilter } from './support/filter-oracle.js';
import { orderExpected } from './support/order-oracle.js';
import { PINNED_TODAY_START_MS, pinnedClock } from './support/pinned-clock.js';
import { resourceIdsOf, searchAllPages, sortedIds } from './support/search-pages.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const SEARCH = '/api/companies/search';
/** pinnedClock's month is 2026-11: the seed records the 24 months before it. */
const EARLIER_MONTH = '2026-10';
const CURRENT_MONTH = '2026-11';

interface Item {
  FieldName: string;
  Operator: string;
  Value: string;
  CustomFieldName?: string;
}

const item = (FieldName: string, Operator: string, Value: string): Item => ({ FieldName, Operator, Value });
const filterOf = (...items: Item[]): OracleFilter => ({ FilterGroups: [{ Condition: 'AND', FilterItems: items }] });
const month = (value: string) => item('MonthlyActiveUser', '=', value);

/** The vendor UI's free-text search: Contains on every visible column, in its OR group. */
// The columns a row shows are those it sorts by, and the expiry flag.
const VISIBLE_COLUMNS = [...ORDER_BY, 'LicenceExpired'];
const freeText = (text: string): OracleFilter => ({
  Condition: 'AND',
  SearchInputTextValue: '',
  FilterGroups: [
    { Condition: 'AND', FilterItems: [] },
    { Condition: 'OR', FilterItems: VISIBLE_COLUMNS.map((field) => item(field, 'Contains', text)) },
  ],
});

describe.each(DATABASE_KINDS)("the vendor's filter language on %s", (kind) => {
  let server: TestServer;
  let tree: CompanyTree;
  let usage: MonthlyUsage;
  let token: string;
  let context: OracleContext;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 300, ...pinnedClock });
    tree = await readCompanyTree(server.databaseLocation);
    usage = await readMonthlyUsage(server.databaseLocation);
    token = await fetchToken(server.baseUrl, server.credentials.root);
    context = { tree, todayStartMs: PINNED_TODAY_START_MS, usage };
  });
  afterAll(() => server?.close());

  const search = (body: Record<string, unknown>) => callApi(server.baseUrl, SEARCH, { token, body: searchBody(body) });
  const everyPage = async (body: Record<string, unknown>) =>
    (await searchAllPages(server.baseUrl, { token, body: searchBody({ pageSize: 1000, ...body }) })).results;

  async function expectOracle(filter: OracleFilter): Promise<SearchCompanyDto[]> {
    const results = await everyPage({ filter });
    const expected = expectedMatches(tree.rows, { filter }, context);
    expect(sortedIds(resourceIdsOf(results))).toEqual(sortedIds(expected.map((row) => row.resourceId)));
    return results;
  }

  function expectInputError(response: ApiResponse, ...fragments: string[]) {
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body).toMatchObject({ data: null, status: 'INPUT_ERROR', message: 'Invalid request' });
    const lines = (response.body.validationMessages as string[]).join('\n');
    for (const fragment of fragments) expect(lines).toContain(fragment);
  }

  it("takes the agent's Name Contains as the company name", async () => {
    const byName = await expectOracle(filterOf(item('Name', 'Contains', 'tech')));
    expect(byName.length).toBeGreaterThan(0);
    const byCompanyName = await everyPage({ filter: filterOf(item('CompanyName', 'Contains', 'tech')) });
    expect(sortedIds(resourceIdsOf(byName))).toEqual(sortedIds(resourceIdsOf(byCompanyName)));
  });

  it.each(['2026-1', '-03-', '5', 'ru'])(
    "answers the UI's free-text group (Contains on every column, dates and numbers too) for %j",
    async (text) => {
      const results = await expectOracle(freeText(text));
      expect(results.length).toBeGreaterThan(0);
    },
  );

  it('matches a date column by its YYYY-MM-DD text and a number column by its decimal text', async () => {
    const byDay = await expectOracle(filterOf(item('LicenseEndDate', 'Contains', '2027-02')));
    expect(byDay.length).toBeGreaterThan(0);
    expect(byDay.every((row) => row.licenseEndDate?.startsWith('2027-02'))).toBe(true);
    const byNumber = await expectOracle(filterOf(item('TargetUserCount', 'Contains', '12')));
    expect(byNumber.every((row) => String(row.targetUserCount).includes('12'))).toBe(true);
  });

  it('never matches an unlimited licence in a comparison on NumberOfUsers, between included', async () => {
    const unlimited = tree.rows.filter((row) => !row.isNumberOfUsersLimited);
    expect(unlimited.length).toBeGreaterThan(0);
    // The smallest limit is 5: `< 5` was every unlimited licence, and is now none.
    expect(await expectOracle(filterOf(item('NumberOfUsers', '<', '5')))).toEqual([]);
    for (const filter of [
      filterOf(item('NumberOfUsers', '>=', '0'), item('NumberOfUsers', '<=', '100')),
      filterOf(item('NumberOfUsers', '!=', '7')),
      filterOf(item('NumberOfUsers', 'Contains', '0')),
      filterOf(item('NumberOfUsers', '<', '3000000000')),
    ]) {
      const results = await expectOracle(filter);
      expect(results.length).toBeGreaterThan(0);
      expect(results.every((row) => row.isNumberOfUsersLimited)).toBe(true);
    }
  });

  it('takes Tags Include (comma-separated names) and orderBy "tags"', async () => {
    const tagged = await expectOracle(filterOf(item('Tags', 'Include', 'EMEA, vip')));
    expect(tagged.length).toBeGreaterThan(0);
    const ordered = await everyPage({ orderBy: 'tags', ascending: false });
    expect(resourceIdsOf(ordered)).toEqual(orderExpected(tree.rows, 'tags', false, tree).map((row) => row.resourceId));
  });

  it('finds companies by a licence module resource id (ModuleResourceId Include)', async () => {
    const [first, second] = LICENSE_MODULES.filter((module) => module.name !== 'Phishing Simulator');
    const ids = `${first?.resourceId},${second?.resourceId}`;
    const results = await expectOracle(filterOf(item('ModuleResourceId', 'Include', ids)));
    expect(results.length).toBeGreaterThan(0);
    const unknown = await search({ filter: filterOf(item('ModuleResourceId', 'Include', 'NoSuchId0000')) });
    expect(unknown.body.data.totalNumberOfRecords).toBe(0);
  });

  it.each([
    ['TrainingVendorId', 'Include', 'vendor1'],
    ['TrainingEnrolledMonth', '=', '2026-10'],
    ['TrainingConsumptionMonth', '>=', '2026-01'],
    ['TrainingConsumptionStatus', '=', '1,2'],
    ['TrainingConsumptionStatus', 'Include', '1'],
  ])(
    'accepts %s %s %j: no company has training data, so it matches none (and != every one)',
    async (field, operator, value) => {
      const none = await search({ filter: filterOf(item(field, operator, value)) });
      expect(none.status, JSON.stringify(none.body)).toBe(200);
      expect(none.body.data.totalNumberOfRecords).toBe(0);
      const every = await search({ filter: filterOf(item(field, '!=', value)) });
      expect(every.body.data.totalNumberOfRecords).toBe(tree.rows.length);
    },
  );

  it.each([
    ['TrainingConsumptionStatus', '3', '"1", "2" or "1,2"'],
    ['TrainingEnrolledMonth', '2026-13', 'a month YYYY-MM'],
  ])('refuses %s = %j with a 400 naming the path', async (field, value, form) => {
    expectInputError(
      await search({ filter: filterOf(item(field, '=', value)) }),
      'filter.FilterGroups[0].FilterItems[0].Value',
      form,
    );
  });

  it('accepts an empty (or null, camelCase) CustomFieldName and refuses a named one', async () => {
    const withEmpty = await search({
      filter: filterOf({ ...item('CompanyName', 'Contains', 'a'), CustomFieldName: '' }),
    });
    expect(withEmpty.status, JSON.stringify(withEmpty.body)).toBe(200);
    const camel = {
      filterGroups: [
        { filterItems: [{ fieldName: 'CompanyName', operator: 'Contains', value: 'a', customFieldName: null }] },
      ],
    };
    const withNull = await search({ filter: camel });
    expect(withNull.status, JSON.stringify(withNull.body)).toBe(200);
    expect(withNull.body.data.totalNumberOfRecords).toBe(withEmpty.body.data.totalNumberOfRecords);
    const named = await search({
      filter: filterOf({ ...item('CompanyName', 'Contains', 'a'), CustomFieldName: 'Region' }),
    });
    expectInputError(named, 'filter.FilterGroups[0].FilterItems[0].CustomFieldName', '"Region"');
  });

  it('reads a date-time without a zone as UTC, and names the ISO form when refusing a day-first date', async () => {
    const zoneless = await expectOracle(filterOf(item('CreateTime', '>=', '2025-06-01T00:00:00')));
    const utc = await everyPage({ filter: filterOf(item('CreateTime', '>=', '2025-06-01T00:00:00Z')) });
    expect(resourceIdsOf(zoneless)).toEqual(resourceIdsOf(utc));
    expect(utc.length).toBeGreaterThan(0);
    const dayFirst = await search({ filter: filterOf(item('LicenseEndDate', '<', '31/12/2025')) });
    expectInputError(dayFirst, 'filter.FilterGroups[0].FilterItems[0].Value', '"31/12/2025"', 'YYYY-MM-DD');
  });

  describe('MonthlyActiveUser', () => {
    const countIn = (resourceId: string, chosen: string | null) =>
      monthlyCountOf(tree.company(resourceId), chosen, context);

    it("reports the chosen month's counts and filters no row by itself", async () => {
      const plain = await everyPage({});
      const inMonth = await everyPage({ filter: filterOf(month(EARLIER_MONTH)) });
      expect(resourceIdsOf(inMonth)).toEqual(resourceIdsOf(plain));
      const counts = inMonth.map((row) => row.monthlyActiveUserCount);
      expect(counts).toEqual(inMonth.map((row) => countIn(row.companyResourceId, EARLIER_MONTH)));
      // The seed's history differs from the current counts, so the month really was read.
      expect(counts).not.toEqual(plain.map((row) => row.monthlyActiveUserCount));
      const recorded = inMonth.filter((row) => usage.get(tree.company(row.companyResourceId).id)?.has(EARLIER_MONTH));
      expect(recorded.length).toBeGreaterThan(inMonth.length / 2);
    });

    it('reads the current month, chosen or not, from the company itself; a month with no record reports 0', async () => {
      const plain = await search({ pageSize: 1000 });
      const current = await search({ pageSize: 1000, filter: filterOf(month(CURRENT_MONTH)) });
      expect(current.body.data).toEqual(plain.body.data);
      const later = await everyPage({ filter: filterOf(month('2027-06')) });
      expect(later.every((row) => row.monthlyActiveUserCount === 0)).toBe(true);
    });

    it('filters and orders on the chosen month when combined with MonthlyActiveUserCount', async () => {
      const filter: OracleFilter = {
        FilterGroups: [
          { FilterItems: [item('MonthlyActiveUserCount', '>', '100')] },
          { Condition: 'OR', FilterItems: [month(EARLIER_MONTH)] },
        ],
      };
      const results = await expectOracle(filter);
      expect(results.length).toBeGreaterThan(0);
      expect(results.every((row) => row.monthlyActiveUserCount > 100)).toBe(true);
      const ordered = await everyPage({
        orderBy: 'MonthlyActiveUserCount',
        ascending: true,
        filter: filterOf(month(EARLIER_MONTH)),
      });
      const inMonth = tree.rows.map((row) => ({
        ...row,
        monthlyActiveUserCount: countIn(row.resourceId, EARLIER_MONTH),
      }));
      expect(resourceIdsOf(ordered)).toEqual(
        orderExpected(inMonth, 'MonthlyActiveUserCount', true, tree).map((row) => row.resourceId),
      );
    });

    it('reports the month in clustered pages, resellers and their companies alike', async () => {
      const results = await everyPage({ pageSize: 50, isClustered: true, filter: filterOf(month(EARLIER_MONTH)) });
      const every = results.flatMap((row) => [row, ...(row.children ?? [])]);
      expect(every.some((row) => (row.children ?? []).length > 0)).toBe(true);
      for (const row of every) expect(row.monthlyActiveUserCount).toBe(countIn(row.companyResourceId, EARLIER_MONTH));
    });

    it('reports the month in the export\'s "Monthly Users" column', async () => {
      const body = {
        ...searchBody({ filter: filterOf(month(EARLIER_MONTH)) }),
        exportType: 'CSV',
        reportAllPages: true,
      };
      const response = await fetch(`${server.baseUrl}/api/companies/search/export`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      const bytes = await checkedBytes('POST', '/api/companies/search/export', response);
      const [header, ...rows] = parse(bytes.toString('utf8').slice(1)) as string[][];
      const idAt = header?.indexOf('Company ID') ?? -1;
      const usersAt = header?.indexOf('Monthly Users') ?? -1;
      expect(rows).toHaveLength(tree.rows.length);
      for (const row of rows) {
        expect(Number(row[usersAt])).toBe(countIn(row[idAt] as string, EARLIER_MONTH));
      }
    });

    it.each<[string, OracleFilter, ...string[]]>([
      ['month 13', filterOf(month('2026-13')), 'filter.FilterGroups[0].FilterItems[0].Value', '"2026-13"'],
      ['a day', filterOf(month('2026-10-01')), 'filter.FilterGroups[0].FilterItems[0].Value', 'YYYY-MM'],
      [
        'two different months',
        filterOf(month('2026-10'), month('2026-09')),
        'filter.FilterGroups[0].FilterItems[1].Value',
        'filter.FilterGroups[0].FilterItems[0] already chose 2026-10',
      ],
      [
        'Contains',
        filterOf(item('MonthlyActiveUser', 'Contains', '2026')),
        'filter.FilterGroups[0].FilterItems[0].Operator',
      ],
    ])('refuses %s with a 400 naming the path', async (_name, filter, ...fragments) => {
      expectInputError(await search({ filter }), ...fragments);
    });
  });
});
