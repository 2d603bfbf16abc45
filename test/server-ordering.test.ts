// contract §4: ordering, paging and totals. Every orderBy both ways, paged with an odd page size, must give each
// matching row exactly once in the contract's total order (computed here from rows read straight from the
// database); plus the over-limit filter and clustering by reseller.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_BY, type SearchCompanyDto } from '../src/contract/index.js';
import { fetchToken, searchBody } from './support/api.js';
import { type CompanyRecord, type CompanyTree, readCompanyTree } from './support/company-rows.js';
import { DATABASE_KINDS } from './support/databases.js';
import { expectedMatches, isOverLimit, type OracleContext, type OracleFilter } from './support/filter-oracle.js';
import { orderExpected } from './support/order-oracle.js';
import { PINNED_TODAY_START_MS, pinnedClock } from './support/pinned-clock.js';
import { resourceIdsOf, searchAllPages, searchPageOf, sortedIds } from './support/search-pages.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const PAGE_SIZE = 37;
const SMALL_PAGE_SIZE = 7;
const ORDER_BY_SPELLINGS = [...ORDER_BY, 'RenewalDate', 'companyname', 'LICENSEENDDATE'];
const EXPIRED: OracleFilter = {
  FilterGroups: [{ FilterItems: [{ FieldName: 'LicenceExpired', Operator: '=', Value: 'true' }] }],
};

describe.each(DATABASE_KINDS)('ordering and paging on %s', (kind) => {
  let server: TestServer;
  let tree: CompanyTree;
  let token: string;
  let resellerToken: string;
  let context: OracleContext;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 450, ...pinnedClock });
    tree = await readCompanyTree(server.databaseLocation);
    token = await fetchToken(server.baseUrl, server.credentials.root);
    resellerToken = await fetchToken(server.baseUrl, server.credentials.reseller);
    context = { tree, todayStartMs: PINNED_TODAY_START_MS };
  });
  afterAll(() => server?.close());

  /** The pages' own bookkeeping: numbers, sizes and totals that agree with each other. */
  function expectConsistentPages(pages: { pageNumber: number; pageSize: number; totalNumberOfRecords: number }[]) {
    pages.forEach((page, index) => {
      expect(page.pageNumber).toBe(index + 1);
      expect(page.pageSize).toBe(PAGE_SIZE);
      expect(page.totalNumberOfRecords).toBe(pages[0]?.totalNumberOfRecords);
    });
  }

  describe.each(ORDER_BY_SPELLINGS)('orderBy %s', (orderBy) => {
    it.each([true, false])('ascending=%s pages every row once in the contract order', async (ascending) => {
      const { pages, results } = await searchAllPages(server.baseUrl, {
        token,
        body: searchBody({ pageSize: PAGE_SIZE, orderBy, ascending }),
      });
      const expected = orderExpected(tree.rows, orderBy, ascending, tree);
      expect(resourceIdsOf(results)).toEqual(expected.map((row) => row.resourceId));
      expectConsistentPages(pages);
      for (const page of pages) {
        expect(page.totalNumberOfRecords).toBe(tree.rows.length);
        expect(page.totalNumberOfPages).toBe(Math.ceil(tree.rows.length / PAGE_SIZE));
        expect(page.limitExceededCompanyCount).toBe(tree.rows.filter(isOverLimit).length);
      }
      expect(pages.slice(0, -1).every((page) => page.results.length === PAGE_SIZE)).toBe(true);
    });
  });

  it('orders a filtered subtree too (expired companies of a reseller, by renewal date)', async () => {
    const own = server.credentials.reseller.companyResourceId;
    const visible = tree.descendants(own);
    for (const ascending of [true, false]) {
      const { results } = await searchAllPages(server.baseUrl, {
        token: resellerToken,
        body: searchBody({ pageSize: SMALL_PAGE_SIZE, orderBy: 'RenewalDate', ascending, filter: EXPIRED }),
      });
      const expected = orderExpected(
        expectedMatches(visible, { filter: EXPIRED }, context),
        'RenewalDate',
        ascending,
        tree,
      );
      expect(resourceIdsOf(results)).toEqual(expected.map((row) => row.resourceId));
      expect(results.length).toBeGreaterThan(SMALL_PAGE_SIZE);
    }
  });

  it('a page past the end is empty, with the right totals', async () => {
    const total = tree.rows.length;
    const lastPage = Math.ceil(total / PAGE_SIZE);
    for (const pageNumber of [lastPage + 1, lastPage + 50]) {
      const page = await searchPageOf(server.baseUrl, { token, body: searchBody({ pageSize: PAGE_SIZE }) }, pageNumber);
      expect(page.results).toEqual([]);
      expect(page.pageNumber).toBe(pageNumber);
      expect(page.totalNumberOfRecords).toBe(total);
      expect(page.totalNumberOfPages).toBe(lastPage);
      expect(page.limitExceededCompanyCount).toBe(tree.rows.filter(isOverLimit).length);
    }
  });

  it('isTargetUserCountExceededLimit keeps exactly the companies over their licence limit', async () => {
    const { pages, results } = await searchAllPages(server.baseUrl, {
      token,
      body: searchBody({ pageSize: PAGE_SIZE, orderBy: 'TargetUserCount', isTargetUserCountExceededLimit: true }),
    });
    const expected = orderExpected(tree.rows.filter(isOverLimit), 'TargetUserCount', true, tree);
    expect(expected.length).toBeGreaterThan(0);
    expect(resourceIdsOf(results)).toEqual(expected.map((row) => row.resourceId));
    expect(pages[0]?.totalNumberOfRecords).toBe(expected.length);
    expect(pages[0]?.limitExceededCompanyCount).toBe(expected.length);
    for (const dto of results) {
      expect(dto.isNumberOfUsersLimited).toBe(true);
      expect(dto.targetUserCount).toBeGreaterThan(Number(dto.numberOfUsers));
    }
  });

  it('limitExceededCompanyCount counts the over-limit companies among the matching ones', async () => {
    const page = await searchPageOf(
      server.baseUrl,
      { token: resellerToken, body: searchBody({ pageSize: 5, filter: EXPIRED }) },
      1,
    );
    const matching = expectedMatches(
      tree.descendants(server.credentials.reseller.companyResourceId),
      { filter: EXPIRED },
      context,
    );
    expect(page.totalNumberOfRecords).toBe(matching.length);
    expect(page.limitExceededCompanyCount).toBe(matching.filter(isOverLimit).length);
  });

  describe('isClustered', () => {
    const GROUP_PAGE_SIZE = 3;

    async function clusteredRun(ascending: boolean) {
      return searchAllPages(server.baseUrl, {
        token: resellerToken,
        body: searchBody({
          pageSize: GROUP_PAGE_SIZE,
          orderBy: 'CompanyName',
          ascending,
          filter: EXPIRED,
          isClustered: true,
        }),
      });
    }

    it('lists its own customers as themselves, groups the rest by reseller, and pages count both', async () => {
      const own = server.credentials.reseller.companyResourceId;
      const matching = expectedMatches(tree.descendants(own), { filter: EXPIRED }, context);
      const parentOf = (row: CompanyRecord) => (tree.parent(row) as CompanyRecord).resourceId;
      // contract §3: a Reseller never sees itself, so its own customers are not grouped under it.
      const resellers = new Set(matching.map(parentOf).filter((id) => id !== own));
      const ungroupedRows = matching.filter((row) => parentOf(row) === own);
      expect(resellers.size).toBeGreaterThan(GROUP_PAGE_SIZE);
      expect(ungroupedRows.length).toBeGreaterThan(0);
      const entries = ungroupedRows.length + resellers.size;
      for (const ascending of [true, false]) {
        const { pages, results } = await clusteredRun(ascending);
        for (const page of pages) {
          expect(page.totalNumberOfRecords).toBe(entries);
          expect(page.totalNumberOfPages).toBe(Math.ceil(entries / GROUP_PAGE_SIZE));
          expect(page.results.length).toBeLessThanOrEqual(GROUP_PAGE_SIZE);
        }
        const ungrouped = results.slice(0, ungroupedRows.length);
        const groups = results.slice(ungroupedRows.length);
        expect(resourceIdsOf(ungrouped)).toEqual(
          orderExpected(ungroupedRows, 'CompanyName', ascending, tree).map((row) => row.resourceId),
        );
        for (const company of ungrouped) expect(company.children).toBeNull();
        expect(sortedIds(resourceIdsOf(groups))).toEqual(sortedIds(resellers));
        for (const group of groups) {
          const children = group.children as SearchCompanyDto[];
          const expected = orderExpected(
            matching.filter((row) => parentOf(row) === group.companyResourceId),
            'CompanyName',
            ascending,
            tree,
          );
          expect(resourceIdsOf(children)).toEqual(expected.map((row) => row.resourceId));
          for (const child of children) expect(child.resellerName).toBe(group.companyName);
        }
        const listedIds = [
          ...resourceIdsOf(ungrouped),
          ...groups.flatMap((group) => resourceIdsOf(group.children ?? [])),
        ];
        expect(sortedIds(listedIds)).toEqual(sortedIds(matching.map((row) => row.resourceId)));
        expect(listedIds).not.toContain(own);
        expect(resourceIdsOf(groups)).not.toContain(own);
      }
    });
  });
});
