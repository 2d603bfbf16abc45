// contract §4: one page of search results, flat or clustered by reseller, with its totals, as response bytes.
import type { SearchCompanyDto, SearchPage } from '../../contract/index.js';
import type { Db, SearchReads } from '../db/index.js';
import { SEARCH_COMPANY } from './company-records.js';
import { piecesOfDtos, piecesOfJson, searchPageBytes } from './page-bytes.js';
import { scopeCondition } from './scope.js';
import {
  type CompanyQuery,
  type Counts,
  countMatching,
  orderRows,
  rowsById,
  selectCompanies,
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

async function flatPage(
  storage: SearchReads,
  query: CompanyQuery,
  page: PageRequest,
  countOf: CountOf,
): Promise<Buffer> {
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
async function pageResults(storage: SearchReads, query: CompanyQuery, page: PageRequest): Promise<Iterable<string>> {
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

/** contract §4 isClustered: the children a page lists in all, at most (docs/decisions.md, `isClustered`). */
export const CLUSTERED_CHILDREN_PER_PAGE = 1000;

/** Groups whose children are read at once: between two such steps the event loop answers other requests. */
const GROUPS_PER_STEP = 20;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Children each group lists: the same for every page of a search, so a page holds at most pageSize + 1,000 companies. */
export function childrenPerGroup(pageSize: number): number {
  return Math.max(1, Math.floor(CLUSTERED_CHILDREN_PER_PAGE / pageSize));
}

/** The ids of the companies in the query's scope, for "is this company's reseller one the caller may see". */
function idsInScope(db: Db, query: CompanyQuery) {
  return db.selectFrom('companies').select('companies.id').where(scopeCondition(query.scope));
}

/**
 * Decision (contract §4 isClustered, docs/decisions.md): a page lists first, as themselves (`children: null`), the
 * matching companies whose reseller the caller may not see (contract §3: a Reseller never sees itself, so its own
 * customers are not grouped under it), in the requested order; then the groups: resellers the caller may see that
 * have matching companies, ordered by reseller name then resource id, each with its first childrenPerGroup
 * matching companies in the requested order. Paging counts both. Companies without a parent (the platform
 * itself) are not listed.
 */
async function clusteredPage(
  { db }: SearchReads,
  query: CompanyQuery,
  page: PageRequest,
  countOf: CountOf,
): Promise<Buffer> {
  const withParent = () => selectMatching(db, query).where('companies.parent_id', 'is not', null);
  const ungrouped = () => withParent().where('companies.parent_id', 'not in', idsInScope(db, query));
  const groupIds = () =>
    withParent().where('companies.parent_id', 'in', idsInScope(db, query)).select('companies.parent_id');
  const { exceeded } = await countOf(db, query);
  const ungroupedRow = await ungrouped()
    .select((eb) => eb.fn.countAll<number>().as('companies'))
    .executeTakeFirstOrThrow();
  const groupRow = await db
    .selectFrom(groupIds().distinct().as('groups'))
    .select((eb) => eb.fn.countAll<number>().as('groups'))
    .executeTakeFirstOrThrow();
  const ungroupedTotal = Number(ungroupedRow.companies);
  const offset = offsetOf(page);
  const loose =
    offset < ungroupedTotal
      ? await orderRows(selectSearchRow(ungrouped()), query.orderBy, query.ascending)
          .limit(page.pageSize)
          .offset(offset)
          .execute()
      : [];
  const groupSlots = page.pageSize - loose.length;
  const groups = groupSlots
    ? await selectCompanies(db, query.usageMonth, 'reseller')
        .selectAll('reseller')
        .where('reseller.id', 'in', groupIds())
        .orderBy('reseller.name_folded')
        .orderBy('reseller.resource_id')
        .limit(groupSlots)
        .offset(Math.max(0, offset - ungroupedTotal))
        .execute()
    : [];
  const context = { todayStartMs: query.todayStartMs };
  const results: SearchCompanyDto[] = loose.map((row) => SEARCH_COMPANY.fromRow(row, context));
  const perGroup = childrenPerGroup(page.pageSize);
  for (let start = 0; start < groups.length; start += GROUPS_PER_STEP) {
    const step = groups.slice(start, start + GROUPS_PER_STEP);
    const children = await Promise.all(
      step.map((group) =>
        selectOrderedRows(db, query).where('companies.parent_id', '=', group.id).limit(perGroup).execute(),
      ),
    );
    step.forEach((group, index) => {
      results.push({
        ...SEARCH_COMPANY.fromRow(group, context),
        children: (children[index] ?? []).map((child) => SEARCH_COMPANY.fromRow(child, context)),
      });
    });
    await nextTurn();
  }
  const total = ungroupedTotal + Number(groupRow.groups);
  return searchPageBytes(totalsOf(page, total, exceeded), piecesOfDtos(results));
}

/** How the matching rows are counted: countMatching, or a cache in front of it (every page needs the totals). */
export type CountOf = (db: Db, query: CompanyQuery) => Promise<Counts>;

/**
 * The page's response body: the success envelope of the SearchPage, as JSON bytes, read through `storage` (one
 * client's search reads, see Storage.searchReads).
 */
export function searchPageBody(
  storage: SearchReads,
  query: CompanyQuery,
  page: PageRequest,
  isClustered: boolean,
  countOf: CountOf = countMatching,
) {
  return (isClustered ? clusteredPage : flatPage)(storage, query, page, countOf);
}
