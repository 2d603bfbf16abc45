// One search body -> one Kysely query over `companies`, shared by search (a page) and export (a page, or every
// row). Both therefore return exactly the same rows in the same order for the same body, scope and day.
import { type Selectable, type SelectQueryBuilder, sql } from 'kysely';
import {
  canonicalOrderBy,
  dayOf,
  monthOf,
  ORDER_BY_ACCEPTED,
  type OrderBy,
  type SearchBody,
} from '../../contract/index.js';
import type { CompaniesTable, Db, LapseDatabase } from '../db/index.js';
import { COMPANY_COLUMNS, overLimitCondition } from '../db/index.js';
import { ApiError } from '../errors.js';
import { EXPORT_ROW_COLUMNS, ORDER_COLUMNS, SEARCH_ROW_COLUMNS } from './company-records.js';
import { compilePredicate, type Predicate, parseFilter } from './filter/index.js';
import { type Scope, scopeCondition } from './scope.js';

export type CompanyRow = Selectable<CompaniesTable>;

const searchRowColumns = SEARCH_ROW_COLUMNS.map((column) => `companies.${column}` as const);
const exportRowColumns = EXPORT_ROW_COLUMNS.map((column) => `companies.${column}` as const);
type Query = SelectQueryBuilder<LapseDatabase, 'companies', object>;

export interface CompanyQuery {
  scope: Scope;
  predicate: Predicate | null;
  isExceededOnly: boolean;
  orderBy: OrderBy;
  ascending: boolean;
  /** Start (UTC midnight, epoch ms) of the day that decides "expired" (contract §4: today in UTC). */
  todayStartMs: number;
  /** contract §4 MonthlyActiveUser: the earlier (or later) month whose counts the rows carry; null: the current. */
  usageMonth: string | null;
}

/** Reads the query parts of a (schema-valid) body; every semantic problem becomes one 400 naming its path. */
export function parseCompanyQuery(body: SearchBody, scope: Scope, todayStartMs: number): CompanyQuery {
  const problems: string[] = [];
  const orderBy = canonicalOrderBy(body.orderBy.trim());
  if (!orderBy) problems.push(`orderBy: ${JSON.stringify(body.orderBy)} is not one of ${ORDER_BY_ACCEPTED.join(', ')}`);
  const { predicate, problems: filterProblems, usageMonth } = parseFilter(body.filter);
  problems.push(...filterProblems);
  if (problems.length > 0 || !orderBy) throw ApiError.invalidRequest(problems);
  return {
    scope,
    predicate,
    isExceededOnly: body.isTargetUserCountExceededLimit === true,
    orderBy,
    ascending: body.ascending,
    todayStartMs,
    // The current month's count is the company's own column: choosing it reads the same rows as choosing none.
    usageMonth: usageMonth === monthOf(dayOf(todayStartMs)) ? null : usageMonth,
  };
}

const otherCompanyColumns = COMPANY_COLUMNS.filter((column) => column !== 'monthly_active_user_count').map(
  (column) => `company.${column}` as const,
);

/**
 * The companies table as a month sees it: every column as stored, but `monthly_active_user_count` the month's
 * recorded count (0 when none is). Both databases fold this into the outer query, so the subtree range and the
 * order indexes serve it as they serve the table; the month's row is one primary-key seek for each company whose
 * count is read, and none for a count of rows that never looks at it.
 */
function companiesInMonth(db: Db, usageMonth: string) {
  return db
    .selectFrom('companies as company')
    .select((eb) => [
      ...otherCompanyColumns,
      eb.fn
        .coalesce(
          eb
            .selectFrom('monthly_usage as usage')
            .select('usage.active_user_count')
            .whereRef('usage.company_id', '=', 'company.id')
            .where('usage.month', '=', usageMonth),
          sql.lit(0),
        )
        .as('monthly_active_user_count'),
    ]);
}

/** `select … from companies` (under `alias`), or from the month's view of it when the query chose a month. */
export function selectCompanies<A extends string = 'companies'>(
  db: Db,
  usageMonth: string | null,
  alias: A = 'companies' as A,
): SelectQueryBuilder<LapseDatabase & { [K in A]: CompaniesTable }, A, object> {
  if (usageMonth !== null) return db.selectFrom(companiesInMonth(db, usageMonth).as(alias) as never) as never;
  return db.selectFrom((alias === 'companies' ? 'companies' : `companies as ${alias}`) as never) as never;
}

/** The companies matching the query, as a FROM + WHERE to select from. */
export function selectMatching(db: Db, query: CompanyQuery): Query {
  let select: Query = selectCompanies(db, query.usageMonth).where(scopeCondition(query.scope));
  if (query.predicate) select = select.where(compilePredicate(query.predicate, query.todayStartMs));
  if (query.isExceededOnly) select = select.where(overLimitCondition);
  return select;
}

/** contract §4: total order; nulls first ascending, last descending; companyResourceId breaks ties. */
export function orderRows<Q extends SelectQueryBuilder<LapseDatabase, 'companies', object>>(
  select: Q,
  orderBy: OrderBy,
  ascending: boolean,
): Q {
  const { column, isNullable } = ORDER_COLUMNS[orderBy];
  const direction = ascending ? 'asc' : 'desc';
  const ordered = isNullable
    ? select.orderBy(`companies.${column}`, (ob) => (ascending ? ob.asc().nullsFirst() : ob.desc().nullsLast()))
    : select.orderBy(`companies.${column}`, direction);
  return ordered.orderBy('companies.resource_id', direction) as Q;
}

/** Every matching row, ordered; callers add a page (limit/offset) or stream it all. */
export function selectOrderedRows(db: Db, query: CompanyQuery) {
  return orderRows(selectMatching(db, query).select(searchRowColumns), query.orderBy, query.ascending);
}

/** Every matching row as the export reads it (EXPORT_ROW_COLUMNS), ordered as search orders it. */
export function selectExportRows(db: Db, query: CompanyQuery) {
  return orderRows(selectMatching(db, query).select(exportRowColumns), query.orderBy, query.ascending);
}

/** The rows whose ids `ids` selects, in the query's order, as a FROM + WHERE + ORDER BY to select from. */
export function rowsById(
  db: Db,
  ids: SelectQueryBuilder<LapseDatabase, 'companies', { id: number }>,
  query: CompanyQuery,
): Query {
  return orderRows(
    selectCompanies(db, query.usageMonth).where('companies.id', 'in', ids),
    query.orderBy,
    query.ascending,
  );
}

/** The search row columns (SEARCH_ROW_COLUMNS) of `rows`. */
export function selectSearchRow(rows: Query) {
  return rows.select(searchRowColumns);
}

/** How many rows match, and how many of those are over their licence limit: one statement. */
export function countQuery(db: Db, query: CompanyQuery) {
  return selectMatching(db, query).select((eb) => [
    eb.fn.countAll<number>().as('total'),
    eb.fn.sum<number>('companies.is_over_limit').as('exceeded'),
  ]);
}

export interface Counts {
  total: number;
  exceeded: number;
}

export async function countMatching(db: Db, query: CompanyQuery): Promise<Counts> {
  const row = await countQuery(db, query).executeTakeFirstOrThrow();
  return { total: Number(row.total), exceeded: Number(row.exceeded ?? 0) };
}
