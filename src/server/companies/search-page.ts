// contract §4: one page of search results, flat or clustered by reseller, with its totals, as response bytes.
import type { SearchPage } from '../../contract/index.js';
import type { Db, Storage } from '../db/index.js';
import { SEARCH_COMPANY } from './company-records.js';
import { piecesOfDtos, piecesOfJson, searchPageBytes } from './page-bytes.js';
import {
  type CompanyQuery,
  type Counts,
  countMatching,
  orderRows,
  rowsById,
  selectMatching,
  selectOrderedRows,
  selectSearchRow,
} from './search-query.js';

export interface PageRequest {
  pageNumber: number;
  pageSize: number;
}

function offsetOf(page: PageRequest): number {
  return (page.pageNumber - 1) * page.pageSize;
}

function totalsOf(page: PageRequest, total: number, exceeded: number): Omit<SearchPage, 'results'> {
  return {
    pageNumber: page.pageNumber,
    pageSize: page.pageSize,
    totalNumberOfRecords: total,
    totalNumberOfPages: Math.ceil(total / page.pageSize),
    limitExceededCompanyCount: exceeded,
  };
}

async function flatPage(storage: Storage, query: CompanyQuery, page: PageRequest, countOf: CountOf): Promise<Buffer> {
  // The totals and the page are read at once (on PostgreSQL on two pooled connections), not in one snapshot: a
  // write landing between them can make a page disagree with its totals for that one response, which paging
  // clients notice (totals moving) and handle; exports, which promise agreement (contract §5), use a snapshot.
  const [{ total, exceeded }, results] = await Promise.all([
    countOf(storage.db, query),
    pageResults(storage, query, page),
  ]);
  return searchPageBytes(totalsOf(page, total, exceeded), results);
}

/** The page's companies as JSON text pieces: written by the database where it can (SEARCH_COMPANY.json), else here. */
async function pageResults(storage: Storage, query: CompanyQuery, page: PageRequest): Promise<Iterable<string>> {
  const rows = pageOfRows(storage.db, query, page);
  const context = { todayStartMs: query.todayStartMs };
  return storage.withSqlJson(
    async (json) => {
      const texts = await storage.selectValues(rows.select(SEARCH_COMPANY.json(json, context).as('json')));
      return piecesOfJson(texts.map((values) => values[0] as string));
    },
    async () => {
      const values = await storage.selectValues(selectSearchRow(rows));
      return piecesOfDtos(values.map((row) => SEARCH_COMPANY.fromValues(row, context)));
    },
  );
}

/**
 * One page of rows, to select from. The page is chosen on ids alone and the rows fetched after: skipping
 * `offset` rows then walks an index (the order columns, the filter column, the row id) instead of reading every
 * skipped row, which keeps deep pages cheap when the index covers the query (renewal-date order and filters, for
 * one).
 */
export function pageOfRows(db: Db, query: CompanyQuery, page: PageRequest) {
  const pageIds = orderRows(selectMatching(db, query).select('companies.id'), query.orderBy, query.ascending)
    .limit(page.pageSize)
    .offset(offsetOf(page));
  return rowsById(db, pageIds, query);
}

/**
 * Decision (contract §4 isClustered): groups are the matching companies' resellers (their parents), ordered by
 * reseller name ascending then resource id; paging counts groups; each group's children are all its matching
 * companies in the requested order. Companies without a parent (the platform itself) are not grouped.
 */
async function clusteredPage(
  { db }: Storage,
  query: CompanyQuery,
  page: PageRequest,
  countOf: CountOf,
): Promise<Buffer> {
  const matching = () => selectMatching(db, query).where('companies.parent_id', 'is not', null);
  const { exceeded } = await countOf(db, query);
  const totalRow = await matching()
    .select((eb) => eb.fn.count<number>('companies.parent_id').distinct().as('groups'))
    .executeTakeFirstOrThrow();
  const total = Number(totalRow.groups);
  const groups = await db
    .selectFrom('companies as reseller')
    .selectAll('reseller')
    .where('reseller.id', 'in', matching().select('companies.parent_id'))
    .orderBy('reseller.name_folded')
    .orderBy('reseller.resource_id')
    .limit(page.pageSize)
    .offset(offsetOf(page))
    .execute();
  const children = groups.length
    ? await selectOrderedRows(db, query)
        .where(
          'companies.parent_id',
          'in',
          groups.map((g) => g.id),
        )
        .execute()
    : [];
  const childrenByParent = new Map<number | null, typeof children>();
  for (const child of children) {
    const siblings = childrenByParent.get(child.parent_id);
    if (siblings) siblings.push(child);
    else childrenByParent.set(child.parent_id, [child]);
  }
  const context = { todayStartMs: query.todayStartMs };
  const results = groups.map((group) => ({
    ...SEARCH_COMPANY.fromRow(group, context),
    children: (childrenByParent.get(group.id) ?? []).map((child) => SEARCH_COMPANY.fromRow(child, context)),
  }));
  return searchPageBytes(totalsOf(page, total, exceeded), piecesOfDtos(results));
}

/** How the matching rows are counted: countMatching, or a cache in front of it (every page needs the totals). */
export type CountOf = (db: Db, query: CompanyQuery) => Promise<Counts>;

/** The page's response body: the success envelope of the SearchPage, as JSON bytes. */
export function searchPageBody(
  storage: Storage,
  query: CompanyQuery,
  page: PageRequest,
  isClustered: boolean,
  countOf: CountOf = countMatching,
) {
  return (isClustered ? clusteredPage : flatPage)(storage, query, page, countOf);
}
