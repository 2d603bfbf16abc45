// A company write is seen by the very next search with the same body: the page and its totals, whether the write
// came through the server's own connection, another connection, or `lapse admin` in another process. On SQLite
// pages and counts are cached by the data version; on PostgreSQL nothing is cached today, and these tests hold a
// future cache to the same. Needs `npm run build` (the `lapse admin` writer).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchPage } from '../src/contract/index.js';
import { createCompany, updateCompany } from '../src/server/admin/index.js';
import { type Db, openStorage } from '../src/server/db/storage.js';
import { fetchToken, searchBody } from './support/api.js';
import { DATABASE_KINDS } from './support/databases.js';
import { PINNED_TODAY, PINNED_TODAY_START_MS, pinnedClock } from './support/pinned-clock.js';
import { resourceIdsOf, searchPageOf, sortedIds } from './support/search-pages.js';
import { runLapseAdmin } from './support/server-process.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const YESTERDAY = '2026-11-25';
const expiredFilter = {
  FilterGroups: [{ FilterItems: [{ FieldName: 'LicenseEndDate', Operator: '<', Value: PINNED_TODAY }] }],
};
/** Every expired company on one page, and the same search five to a page (its totals counted once for both). */
const WHOLE = searchBody({ pageSize: 1000, filter: expiredFilter });
const PAGED = searchBody({ pageSize: 5, filter: expiredFilter });

/** One way of writing companies, as a server's neighbours do. */
interface Writer {
  /** Moves the company's renewal date to yesterday. */
  expire(resourceId: string): Promise<void>;
  /** Adds an expired company under `parent`; its resource id. */
  addExpired(name: string, parent: string): Promise<string>;
}

function writerOn(db: Db): Writer {
  return {
    async expire(resourceId) {
      await updateCompany(db, resourceId, { licenseEndDate: YESTERDAY });
    },
    async addExpired(name, parent) {
      return (await createCompany(db, { name, parent, licenseEndDate: YESTERDAY }, pinnedClock.now())).resourceId;
    },
  };
}

function adminProcessOn(database: string): Writer {
  return {
    async expire(resourceId) {
      await runLapseAdmin(['company', 'update', resourceId, '--renewal-date', YESTERDAY, '--database', database]);
    },
    async addExpired(name, parent) {
      const created = await runLapseAdmin([
        ...['company', 'create', '--name', name, '--parent', parent, '--renewal-date', YESTERDAY],
        ...['--json', '--database', database],
      ]);
      return (JSON.parse(created) as { resourceId: string }).resourceId;
    },
  };
}

const WRITERS = [
  ["the server's own connection", 'own'],
  ['another connection on the same database', 'connection'],
  ['`lapse admin` in another process', 'process'],
] as const;
type WriterName = (typeof WRITERS)[number][1];

describe.each(DATABASE_KINDS)('a company write and the cached search on %s', (kind) => {
  let server: TestServer;
  let token: string;
  let writers: Record<WriterName, Writer>;
  let closeOther: () => Promise<void>;
  let renewing: string[];

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 120, ...pinnedClock });
    token = await fetchToken(server.baseUrl, server.credentials.root);
    const other = await openStorage(server.databaseLocation, { maxConnections: 1 });
    closeOther = () => other.close();
    writers = {
      own: writerOn(server.storage.db),
      connection: writerOn(other.db),
      process: adminProcessOn(server.databaseLocation),
    };
    // Companies renewing after today, so moving their renewal to yesterday makes them expired.
    const rows = await server.storage.db
      .selectFrom('companies')
      .select('resource_id')
      .where('license_end_at', '>=', PINNED_TODAY_START_MS + 86_400_000)
      .where('depth', '>', 0)
      .orderBy('resource_id')
      .limit(WRITERS.length)
      .execute();
    renewing = rows.map((row) => row.resource_id);
    expect(renewing).toHaveLength(WRITERS.length);
  });
  afterAll(async () => {
    await closeOther?.();
    await server?.close();
  });

  const search = (body: Record<string, unknown>, pageNumber = 1) =>
    searchPageOf(server.baseUrl, { token, body }, pageNumber);
  const totalsOf = ({ results: _, ...totals }: SearchPage) => totals;

  /** Searches (twice, so the second is served from any cache), writes, and expects the write in what follows. */
  async function expectSearchesToSee(write: () => Promise<string>): Promise<void> {
    const before = await search(WHOLE);
    expect(await search(WHOLE)).toEqual(before);
    const pagedBefore = await search(PAGED);
    expect(totalsOf(pagedBefore).totalNumberOfRecords).toBe(before.totalNumberOfRecords);

    const written = await write();
    expect(resourceIdsOf(before.results)).not.toContain(written);

    const after = await search(WHOLE);
    expect(after.totalNumberOfRecords).toBe(before.totalNumberOfRecords + 1);
    expect(after.totalNumberOfPages).toBe(1);
    expect(sortedIds(resourceIdsOf(after.results))).toEqual(sortedIds([...resourceIdsOf(before.results), written]));
    expect(after.results.find((company) => company.companyResourceId === written)?.licenceExpired).toBe(true);
    const expectedPagedTotals = {
      ...totalsOf(pagedBefore),
      totalNumberOfRecords: after.totalNumberOfRecords,
      totalNumberOfPages: Math.ceil(after.totalNumberOfRecords / PAGED.pageSize),
      limitExceededCompanyCount: after.limitExceededCompanyCount,
    };
    // Page 2 was never served before the write, so only totals kept from before it could be stale here.
    const second = await search(PAGED, 2);
    expect(totalsOf(second)).toEqual({ ...expectedPagedTotals, pageNumber: 2 });
    expect(second.results).toEqual(after.results.slice(5, 10));
    const first = await search(PAGED);
    expect(totalsOf(first)).toEqual(expectedPagedTotals);
    expect(first.results).toEqual(after.results.slice(0, 5));
  }

  it.each(WRITERS)('a renewal moved to yesterday through %s', async (_, writer) => {
    const resourceId = renewing[WRITERS.findIndex(([, name]) => name === writer)] as string;
    await expectSearchesToSee(async () => {
      await writers[writer].expire(resourceId);
      return resourceId;
    });
  });

  it.each(WRITERS)('a company added through %s', async (_, writer) => {
    const parent = server.credentials.reseller.companyResourceId;
    await expectSearchesToSee(() => writers[writer].addExpired(`Aardvark ${writer} Ltd`, parent));
  });
});
