// Memory the server keeps between requests is bounded in bytes, keys included: thousands of distinct searches
// whose filter values are long (within the body limit), and token requests with long client ids, leave a
// `lapse serve` process's resident memory near where it started. Needs `npm run build`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchToken, searchBody } from './support/api.js';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/databases.js';
import { sleep } from './support/poll.js';
import {
  residentBytes,
  type SeededDatabase,
  type ServerProcess,
  seedWithRoot,
  spawnServer,
} from './support/server-process.js';

const MiB = 1024 * 1024;
/** Searches whose keys are far over any key limit: three Contains values of 15,000 characters (~45 KB a body). */
const LONG_SEARCHES = 3_000;
/** Searches whose keys are long but under the key limit, so they are kept until the byte budget is reached. */
const MEDIUM_SEARCHES = 1_000;
const WARM_UP_SEARCHES = 300;
const TOKEN_REQUESTS = 200;
const CONCURRENCY = 8;
/**
 * Growth allowed over the warmed-up baseline: what the page and count budgets may hold (72 MiB estimated at
 * 2 bytes a character; these ASCII keys take half that) and the heap's and allocator's slack, which resident
 * memory shows even where nothing is cached (PostgreSQL). Bounded by entry count, the same requests pinned keys
 * of ~100 KB each, far past this.
 */
const MAX_GROWTH = 150 * MiB;

const containsFilter = (values: string[]) => ({
  Condition: 'AND',
  FilterGroups: [
    {
      Condition: 'AND',
      FilterItems: values.map((Value) => ({ FieldName: 'CompanyName', Operator: 'Contains', Value })),
    },
  ],
});

/** A search of its own for each `n`: the values differ at their start, so no two keys are equal. */
function distinctSearch(n: number, isLong: boolean) {
  const values = isLong ? [0, 1, 2].map((i) => `${n}.${i} ${'q'.repeat(15_000)}`) : [`${n} ${'m'.repeat(3_000)}`];
  return searchBody({ pageSize: 10, filter: containsFilter(values) });
}

async function search(baseUrl: string, token: string, body: unknown): Promise<number> {
  const response = await fetch(`${baseUrl}/api/companies/search`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

async function failedTokenRequest(baseUrl: string, n: number): Promise<number> {
  const response = await fetch(`${baseUrl}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: `${n}-${'c'.repeat(2_000)}`,
      client_secret: 'wrong',
    }),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Runs `count` calls, `CONCURRENCY` at a time; every status they answered. */
async function inParallel(count: number, call: (n: number) => Promise<number>): Promise<Set<number>> {
  const statuses = new Set<number>();
  let next = 0;
  const worker = async () => {
    while (next < count) statuses.add(await call(next++));
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return statuses;
}

describe.each(DATABASE_KINDS)('memory kept between requests on %s', (kind) => {
  let database: TestDatabase;
  let seeded: SeededDatabase;
  let server: ServerProcess;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    seeded = await seedWithRoot(database.location, 30);
    // The per-client rate limit is not what this measures: lift it so every search is answered.
    server = await spawnServer(database.location, ['--rate-limit', '100000000']);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('stays within its byte budgets through thousands of long, distinct searches and client ids', async () => {
    const token = await fetchToken(server.baseUrl, seeded.root);
    // Warm code paths, and let the heap and the allocator grow to what parsing such bodies needs, with searches
    // that are all the same (one cache entry at most): what follows then measures what is kept.
    const warm = distinctSearch(-1, true);
    expect(await inParallel(WARM_UP_SEARCHES, () => search(server.baseUrl, token, warm))).toEqual(new Set([200]));
    await sleep(300);
    const before = residentBytes(server.pid);

    const searched = await inParallel(LONG_SEARCHES + MEDIUM_SEARCHES, (n) =>
      search(server.baseUrl, token, distinctSearch(n, n % 4 !== 0)),
    );
    expect(searched).toEqual(new Set([200]));
    const tokens = await inParallel(TOKEN_REQUESTS, (n) => failedTokenRequest(server.baseUrl, n));
    for (const status of tokens) expect([400, 401, 429]).toContain(status);

    const growth = residentBytes(server.pid) - before;
    expect(growth, `resident memory grew by ${Math.round(growth / MiB)} MiB`).toBeLessThan(MAX_GROWTH);
  }, 60_000);
});
