// SQLite plans a reseller's renewing-within-30-days query by the subtree's real size: through the path index for a
// subtree that is a sliver of a table where many companies renew in the window, through the renewal-date index for a
// scope holding the whole table; and the hint never changes which rows a query returns.
import { copyFile } from 'node:fs/promises';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, type CalendarDay, dayStartUtc, type SearchBody } from '../src/contract/index.js';
import type { Scope } from '../src/server/companies/scope.js';
import { pageOfRows } from '../src/server/companies/search-page.js';
import {
  type CompanyQuery,
  countMatching,
  countQuery,
  parseCompanyQuery,
  selectOrderedRows,
} from '../src/server/companies/search-query.js';
import { HINTED_SUBTREE_SHARE } from '../src/server/db/dialects/sqlite-subtree-plan.js';
import { type Db, type LapseDatabase, openStorage, type Storage } from '../src/server/db/index.js';
import { seedCompanies } from '../src/server/seed/index.js';
import { createTestDatabase, type TestDatabase } from './support/databases.js';

const TODAY = '2026-12-01' as CalendarDay;
/** Enough companies that one in twenty renewing in a month outnumbers a small subtree many times over. */
const COMPANIES = 20_000;

function renewingBody(from: CalendarDay, days: number, orderBy = 'RenewalDate', ascending = true): SearchBody {
  return {
    pageNumber: 1,
    pageSize: 100,
    orderBy,
    ascending,
    filter: {
      FilterGroups: [
        {
          FilterItems: [
            { FieldName: 'LicenseEndDate', Operator: '>=', Value: from },
            { FieldName: 'LicenseEndDate', Operator: '<', Value: addDays(from, days) },
          ],
        },
      ],
    },
  } as SearchBody;
}

/** The indexes SQLite reads a search's count and page through. */
function indexesRead(file: Database.Database, db: Db, query: CompanyQuery): string[] {
  return [
    countQuery(db, query),
    pageOfRows(db, query, { pageNumber: 1, pageSize: 100 }).select('companies.id'),
  ].flatMap((select) => {
    const { sql, parameters } = select.compile();
    const steps = file.prepare(`explain query plan ${sql}`).all(...parameters) as { detail: string }[];
    return steps.flatMap((step) => /USING (?:COVERING )?INDEX (\w+)/.exec(step.detail)?.[1] ?? []);
  });
}

interface Tree {
  /** A company whose subtree is a small share of the table. */
  small: Scope;
  /** The root company, through a scoping header: every company. */
  whole: Scope;
  paths: string[];
}

async function treeOf(storage: Storage): Promise<Tree> {
  const companies = await storage.db.selectFrom('companies').select(['path', 'depth']).orderBy('path').execute();
  const paths = companies.map((company) => company.path);
  // In path order a company's subtree is the run of paths after its own that start with it.
  const below = (at: number) => {
    let end = at + 1;
    while (paths[end]?.startsWith(paths[at] as string)) end++;
    return end - at - 1;
  };
  const sizes = companies.map((company, at) => ({ path: company.path, depth: company.depth, below: below(at) }));
  const reseller = sizes
    .filter((company) => company.depth > 0 && company.below >= 5)
    .reduce((smallest, company) => (company.below < smallest.below ? company : smallest));
  const root = companies.find((company) => company.depth === 0);
  if (!root) throw new Error('the seeded tree has no root');
  return {
    small: { path: reseller.path, includesRoot: false },
    whole: { path: root.path, includesRoot: true },
    paths,
  };
}

describe.each([
  ['analysed', false],
  ['never analysed', true],
])('SQLite plans of a subtree, on a file %s', (_label, dropsStatistics) => {
  let database: TestDatabase;
  let storage: Storage;
  let file: Database.Database;
  let tree: Tree;

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    const seeded = `${database.location}.seeded`;
    await seedCompanies(seeded, { companies: COMPANIES, seed: 1, today: TODAY });
    await copyFile(seeded, database.location);
    if (dropsStatistics) {
      const writable = new Database(database.location);
      writable.exec('drop table if exists sqlite_stat1; drop table if exists sqlite_stat4');
      writable.close();
    }
    storage = await openStorage(database.location);
    file = new Database(database.location, { readonly: true });
    tree = await treeOf(storage);
  }, 120_000);
  afterAll(async () => {
    file?.close();
    await storage?.close();
    await database?.drop();
  });

  it('reads a small subtree’s renewing companies through the path index, the whole table’s through the renewal date', async () => {
    const todayStartMs = dayStartUtc(TODAY);
    const db = storage.searchReads('plan test').db;
    const renewing = (scope: Scope) => parseCompanyQuery(renewingBody(TODAY, 31), scope, todayStartMs);
    const window = await countMatching(storage.db, renewing({ path: null, includesRoot: true }));
    const subtree = tree.paths.filter((path) => path.startsWith(tree.small.path ?? '')).length;
    // The skew the query meets: far more companies renew in the window than the subtree holds.
    expect(subtree).toBeLessThan(COMPANIES * HINTED_SUBTREE_SHARE);
    expect(window.total).toBeGreaterThan(10 * subtree);

    const small = indexesRead(file, db, renewing(tree.small));
    expect(small).toContain('companies_path');
    expect(small).not.toContain('companies_order_license_end');
    const whole = indexesRead(file, db, renewing(tree.whole));
    expect(whole).toContain('companies_order_license_end');
    expect(whole).not.toContain('companies_path');
  });

  it('returns the same rows and totals with the hint as without it, for any subtree and window', async () => {
    const todayStartMs = dayStartUtc(TODAY);
    const hinted = storage.searchReads('plan test').db;
    const plain = new Kysely<LapseDatabase>({ dialect: new SqliteDialect({ database: file }) });
    let hintedQueries = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: tree.paths.length - 1 }),
        fc.boolean(),
        fc.integer({ min: -400, max: 400 }),
        fc.integer({ min: 1, max: 120 }),
        fc.constantFrom('RenewalDate', 'CompanyName', 'ResellerName'),
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        async (at, includesRoot, fromDay, days, orderBy, ascending, page) => {
          const scope = { path: tree.paths[at] ?? null, includesRoot };
          const body = renewingBody(addDays(TODAY, fromDay), days, orderBy, ascending);
          const query = parseCompanyQuery(body, scope, todayStartMs);
          const rows = (db: Db) =>
            selectOrderedRows(db, query)
              .limit(50)
              .offset(page * 50)
              .execute();
          if (selectOrderedRows(hinted, query).compile().sql.includes('likelihood(')) hintedQueries++;
          expect(await rows(hinted)).toEqual(await rows(plain));
          expect(await countMatching(hinted, query)).toEqual(await countMatching(plain, query));
        },
      ),
      { numRuns: 100 },
    );
    // Most companies' subtrees are slivers of the table: the property has compared hinted queries.
    expect(hintedQueries).toBeGreaterThan(10);
  });
});
