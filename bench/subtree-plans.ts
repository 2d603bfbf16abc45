// Part of `npm run bench -- mix`: what SQLite's subtree plan hint (src/server/db/dialects/sqlite-subtree-plan.ts)
// does to each view of the mix for scopes of different sizes — one page of each view, through the server's own
// page code (searchPageBody), on a read-only connection to the file with and without the hint, in one run.
import Database from 'better-sqlite3';
import type { CalendarDay } from '../src/contract/index.js';
import { dayStartUtc } from '../src/contract/index.js';
import type { Scope } from '../src/server/companies/scope.js';
import { pageOfRows, searchPageBody } from '../src/server/companies/search-page.js';
import { type CompanyQuery, countQuery, parseCompanyQuery } from '../src/server/companies/search-query.js';
import { sqliteJson } from '../src/server/db/dialects/sqlite-json.js';
import { narrowRangeCounter, sqliteSubtreePlan } from '../src/server/db/dialects/sqlite-subtree-plan.js';
import type { SearchReads } from '../src/server/db/index.js';
import { readOnlyKysely, SQLITE_LANGUAGE } from '../src/server/db/search-reads/index.js';
import { type MixRequest, type MixView, mixRequests } from './mix-workload.js';
import { fmt, markdownTable } from './report.js';

export interface PlanScope {
  label: string;
  /** Resource id of the company whose subtree this is. */
  resourceId: string;
  /** Whether the company itself is in the scope (a scoping header), or only what is below it (a Reseller). */
  includesRoot: boolean;
}

const VIEWS: readonly MixView[] = ['expired', 'renewing', 'over-limit', 'text'];
/** Pages timed per view and scope, each with and without the hint. */
const PAGES = Number(process.env.LAPSE_PLAN_PAGES ?? 7);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** The search reads of one read-only connection, as a search worker thread has them. */
function connectionReads(database: Database.Database, isHinted: boolean): SearchReads {
  // Prepared once per SQL text, as a search worker thread keeps them.
  const statements = new Map<string, Database.Statement>();
  const statement = (sqlText: string, isRaw: boolean) => {
    const key = `${isRaw ? 'r' : 'o'}${sqlText}`;
    let prepared = statements.get(key);
    if (!prepared) {
      prepared = database.prepare(sqlText).raw(isRaw);
      statements.set(key, prepared);
    }
    return prepared;
  };
  const plain = readOnlyKysely(SQLITE_LANGUAGE, async (query) =>
    statement(query.sql, false).all(...(query.parameters as unknown[])),
  );
  // The file does not change while this runs, so one data version serves throughout.
  const db = isHinted ? plain.withPlugin(sqliteSubtreePlan(narrowRangeCounter(database, () => 'fixed'))) : plain;
  return {
    db,
    withSqlJson: (inDatabase) => inDatabase(sqliteJson),
    async selectValues(query) {
      const compiled = query.compile();
      return statement(compiled.sql, true).all(...(compiled.parameters as unknown[])) as unknown[][];
    },
  };
}

/** Whether the hint changes how SQLite reads `query`'s count and page (EXPLAIN QUERY PLAN of each). */
function isPlanChanged(database: Database.Database, variants: readonly SearchReads[], query: CompanyQuery) {
  const plans = variants.map((reads) =>
    [countQuery(reads.db, query), pageOfRows(reads.db, query, { pageNumber: 1, pageSize: 100 }).select('companies.id')]
      .map((select) => {
        const compiled = select.compile();
        const steps = database.prepare(`explain query plan ${compiled.sql}`).all(...compiled.parameters);
        return steps.map((step) => (step as { detail: string }).detail).join('; ');
      })
      .join(' / '),
  );
  return plans[0] !== plans[1];
}

/**
 * Median page time of `requests` without and with the hint. The first is not timed: it reads the scope's pages
 * into the cache for both.
 */
async function timePages(
  variants: readonly SearchReads[],
  requests: readonly MixRequest[],
  scope: Scope,
  todayStartMs: number,
): Promise<[number, number]> {
  const times: number[][] = [[], []];
  for (const [index, request] of requests.entries()) {
    const body = request.body as never;
    const query = parseCompanyQuery(body, scope, todayStartMs);
    // Alternating which goes first, so neither always finds the other's pages in the cache.
    for (const variant of index % 2 === 0 ? [0, 1] : [1, 0]) {
      const started = performance.now();
      await searchPageBody(variants[variant] as SearchReads, query, body, false);
      if (index > 0) times[variant]?.push(performance.now() - started);
    }
  }
  return times.map(median) as [number, number];
}

/** A markdown table: per view and scope, the median page time without and with the hint. */
export async function subtreePlanTable(file: string, today: CalendarDay, scopes: readonly PlanScope[]) {
  const database = new Database(file, { readonly: true, fileMustExist: true });
  try {
    database.pragma('cache_size = -32768');
    const variants = [connectionReads(database, false), connectionReads(database, true)];
    const todayStartMs = dayStartUtc(today);
    const requests = mixRequests({ count: 2000, resellerSizes: [1], today, seed: 7 }).filter(
      (request) => request.path === '/api/companies/search',
    );
    const companyPath = database.prepare('select path from companies where resource_id = ?').pluck();
    const rows: (string | number)[][] = [];
    for (const { label, resourceId, includesRoot } of scopes) {
      const scope: Scope = { path: companyPath.get(resourceId) as string, includesRoot };
      for (const view of VIEWS) {
        const pages = requests.filter((request) => request.view === view).slice(0, PAGES + 1);
        const [before, after] = await timePages(variants, pages, scope, todayStartMs);
        const query = parseCompanyQuery(pages[0]?.body as never, scope, todayStartMs);
        const plan = isPlanChanged(database, variants, query) ? 'changed' : 'unchanged';
        rows.push([label, view, plan, fmt(before, 1), fmt(after, 1), `${fmt(before / after, 1)}×`]);
      }
    }
    return markdownTable(['scope', 'view', 'plan', 'without hint ms', 'with hint ms', 'speed-up'], rows);
  } finally {
    database.close();
  }
}
