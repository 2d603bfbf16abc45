// One tenant must never stall the others (SECURITY.md, "Resource exhaustion"), over real HTTP on loopback, on
// both databases: while one tenant holds 20 exports whose clients never read and bursts wrong secrets at
// /connect/token from an address of its own (400 invalid_client, then 429), another tenant's searches keep a p99 under 200 ms and its token
// request succeeds. Bounded in count (20 exports, 60 guesses, 200 searches) and in time. The server runs in a
// process of its own (`lapse serve`, needs `npm run build`), so this file's clients do not share its event loop.
import http from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, fetchToken, searchBody } from './support/api.js';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/databases.js';
import { padCompanyNames } from './support/expensive-search.js';
import { pollUntil } from './support/poll.js';
import {
  createCredential,
  type SeededDatabase,
  type ServerProcess,
  seedWithRoot,
  spawnServer,
} from './support/server-process.js';
import { stalledExport } from './support/stalled-export.js';
import type { TestCredential } from './support/test-server.js';

const STALLED_EXPORTS = 20;
const WRONG_SECRETS = 60;
const SEARCHES = 200;
const P99_LIMIT_MS = 200;
/** The guesser's own loopback address (127.0.0.0/8 is all local), so the other tenant's is clean. */
const GUESSER_ADDRESS = '127.0.0.2';

/** A token request with `secret` from `localAddress`; its status. */
function tokenStatus(baseUrl: string, credential: TestCredential, secret: string, localAddress: string) {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: credential.clientId,
    client_secret: secret,
  }).toString();
  return new Promise<number>((resolve, reject) => {
    const request = http.request(`${baseUrl}/connect/token`, {
      method: 'POST',
      agent: false,
      localAddress,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      timeout: 30_000,
    });
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('token request timed out')));
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
    });
    request.end(form);
  });
}

/** Until /healthz answers within a few milliseconds several times in a row: the exports write no more. */
async function untilStalled(baseUrl: string): Promise<void> {
  let quick = 0;
  await pollUntil(
    async () => {
      const before = performance.now();
      await callApi(baseUrl, '/healthz');
      quick = performance.now() - before < 10 ? quick + 1 : 0;
      return quick >= 5 ? true : undefined;
    },
    { what: 'the exports to stall', timeoutMs: 30_000, intervalMs: 20 },
  );
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)] ?? Number.NaN;
}

describe.each(DATABASE_KINDS)('one tenant against another on %s', (kind) => {
  let database: TestDatabase;
  let seeded: SeededDatabase;
  let server: ServerProcess;
  let baseUrl: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    seeded = await seedWithRoot(database.location, 20_000);
    // Long names, so a whole file is far larger than the loopback socket buffers and a client that never
    // reads stalls its export.
    await padCompanyNames(database.location, 300);
    // Export limits that let all 20 stall at once (the defaults would refuse 18 with 429); the failed-token
    // limit at its default.
    server = await spawnServer(database.location, [
      '--log-level',
      'warn',
      '--exports-per-client',
      String(STALLED_EXPORTS),
      '--exports-total',
      String(STALLED_EXPORTS),
      '--export-stall-timeout',
      '120000',
    ]);
    baseUrl = server.baseUrl;
  }, 120_000);
  afterAll(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await server?.stop();
    await database?.drop();
  });

  it("keeps the other tenant's searches fast and its token request good", async () => {
    const hostile = await createCredential(database.location, seeded.seed.rootResourceId, 'Root');
    const reseller = seeded.seed.resellers[0]?.resourceId as string;
    const other = await createCredential(database.location, reseller, 'Reseller');
    const hostileToken = await fetchToken(baseUrl, hostile);
    const otherToken = await fetchToken(baseUrl, other);
    const search = (pageNumber: number) =>
      callApi(baseUrl, '/api/companies/search', { token: otherToken, body: searchBody({ pageSize: 10, pageNumber }) });
    /** SEARCHES searches one after another (new pages: none is answered from the cache); `midway` runs at 10%. */
    const timedSearches = async (firstPage: number, midway?: () => void) => {
      const searchMs: number[] = [];
      for (let round = 0; round < SEARCHES; round++) {
        if (round === SEARCHES / 10) midway?.();
        const before = performance.now();
        const answer = await search(firstPage + round);
        searchMs.push(performance.now() - before);
        expect(answer.status).toBe(200);
      }
      return searchMs;
    };
    // Threads and connections opened before anything is timed; then the same searches on a quiet server.
    for (let page = 1; page <= 8; page++) expect((await search(page)).status).toBe(200);
    const quietMs = await timedSearches(10);

    const exports = await Promise.all(
      Array.from({ length: STALLED_EXPORTS }, () => stalledExport(baseUrl, hostileToken, 45_000)),
    );
    // (Each waits for its first bytes while the others fill their buffers: on a busy machine, seconds.)
    sockets.push(...exports.map((opened) => opened.socket));
    expect(exports.map((opened) => opened.status)).toEqual(Array(STALLED_EXPORTS).fill(200));
    // Each export first writes as much as the socket buffers take (that is an export read at full speed, which
    // test/export-event-loop.test.ts covers); from then on it waits on a client that reads nothing, holding its
    // snapshot and connection: the stall this test is about.
    await untilStalled(baseUrl);

    const started = performance.now();
    const guesses = Promise.all(
      Array.from({ length: WRONG_SECRETS }, (_, index) =>
        tokenStatus(baseUrl, hostile, `wrong-${index}`, GUESSER_ADDRESS),
      ),
    );
    let tokenAnswer: Promise<number> | undefined;
    const searchMs = await timedSearches(200, () => {
      tokenAnswer = tokenStatus(baseUrl, other, other.clientSecret, '127.0.0.1');
    });
    expect(await tokenAnswer).toBe(200);
    const guessed = await guesses;
    expect(
      guessed.every((status) => status === 400 || status === 429),
      JSON.stringify(guessed),
    ).toBe(true);
    expect(guessed.filter((status) => status === 429).length).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(30_000);

    // The target is 200 ms on a machine of its own; on a busy one (a test run shares two cores with other work)
    // every search is slower, attack or not, so the bound grows with the quiet p99 measured above.
    const p99 = percentile(searchMs, 0.99);
    const quietP99 = percentile(quietMs, 0.99);
    const what =
      `search p50/p99 quiet ${percentile(quietMs, 0.5).toFixed(1)}/${quietP99.toFixed(1)} ms, ` +
      `during ${percentile(searchMs, 0.5).toFixed(1)}/${p99.toFixed(1)} ms`;
    expect(p99, what).toBeLessThan(Math.max(P99_LIMIT_MS, 3 * quietP99));
  }, 120_000);
});
