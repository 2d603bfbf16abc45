// A valid but expensive search (100 `Contains` items over long names) must not stop the server answering others
// (SECURITY.md, "Search queries"), over real HTTP on both databases: while a tenant's expensive searches run,
// /healthz and another tenant's cheap search answer in a small part of one expensive search's own time; a query
// past the time limit is a 503 in the ServiceResult envelope, never a hang or a 500, and the server goes on
// answering after it. Bounds are relative to the expensive search's duration measured here, not fixed times.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.js';
import { serverConfig } from '../src/server/config.js';
import { openStorage, type Storage } from '../src/server/db/storage.js';
import { callApi, fetchToken, searchBody } from './support/api.js';
import { DATABASE_KINDS } from './support/databases.js';
import { expensiveSearchBody, padCompanyNames } from './support/expensive-search.js';
import { pollUntil, sleep } from './support/poll.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const COMPANIES = 20_000;
/** Characters added to every company name, so each `Contains` item scans a long text. */
const NAME_PADDING = 300;
/** The short time limit's ceiling; below one expensive search's own time, so that search always overruns it. */
const TIME_LIMIT_MS = 200;

/** A one-page search that is cheap to answer but not cached (its page number is new). */
const cheapSearchBody = (pageNumber: number) => searchBody({ pageSize: 10, pageNumber });

/**
 * Cheap searches from both tenants at once until a round answers at once with 200: every search thread (SQLite)
 * or connection (PostgreSQL) is then open, and what the tests time is queries, not threads starting.
 */
async function warmUp(baseUrl: string, tokens: string[]): Promise<void> {
  let pageNumber = 500;
  await pollUntil(
    async () => {
      const rounds = tokens.flatMap((token) => [token, token]);
      const answers = await Promise.all(
        rounds.map((token) =>
          timed(() => callApi(baseUrl, '/api/companies/search', { token, body: cheapSearchBody(pageNumber++) })),
        ),
      );
      return answers.every((answer) => answer.value.status === 200 && answer.ms < 500) ? true : undefined;
    },
    { what: 'cheap searches to answer at once', timeoutMs: 30_000, intervalMs: 50 },
  );
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await call();
  return { value, ms: performance.now() - start };
}

describe.each(DATABASE_KINDS)('expensive searches on %s', (kind) => {
  let server: TestServer;
  let heavy: string;
  let light: string;
  /** One expensive search on a quiet server, as measured in this file's first test. */
  let aloneMs = 0;
  const search = (baseUrl: string, token: string, body: unknown) =>
    callApi(baseUrl, '/api/companies/search', { token, body });

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: COMPANIES });
    await padCompanyNames(server.databaseLocation, NAME_PADDING);
    const tenant = () => server.addCredential(server.seed.rootResourceId, 'Root');
    heavy = await fetchToken(server.baseUrl, await tenant());
    light = await fetchToken(server.baseUrl, await tenant());
    await warmUp(server.baseUrl, [heavy, light]);
  });
  afterAll(() => server.close());

  it('leave /healthz and another tenant answered promptly while they run', async () => {
    expect((await search(server.baseUrl, light, cheapSearchBody(1))).status).toBe(200);
    expect((await search(server.baseUrl, heavy, expensiveSearchBody())).status).toBe(200);
    const alone = await timed(() => search(server.baseUrl, heavy, expensiveSearchBody()));
    expect(alone.value.status).toBe(200);
    expect(alone.value.body.data.totalNumberOfRecords).toBe(0);
    aloneMs = alone.ms;

    let isRunning = true;
    const running = Promise.all(Array.from({ length: 3 }, () => search(server.baseUrl, heavy, expensiveSearchBody())));
    void running.finally(() => {
      isRunning = false;
    });
    await sleep(aloneMs / 10);
    const healthMs: number[] = [];
    const cheapMs: number[] = [];
    for (let round = 0; isRunning && round < 20; round++) {
      const health = await timed(() => callApi(server.baseUrl, '/healthz'));
      expect(health.value.status).toBe(200);
      healthMs.push(health.ms);
      const cheap = await timed(() => search(server.baseUrl, light, cheapSearchBody(round + 2)));
      expect(cheap.value.status).toBe(200);
      cheapMs.push(cheap.ms);
    }
    const answers = await running;
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
    const what = `one expensive search alone: ${Math.round(aloneMs)} ms; /healthz: ${healthMs.map(Math.round)}; cheap searches: ${cheapMs.map(Math.round)}`;
    // Answered while the expensive searches were still running: typically in a small part of one's time, and
    // never near the whole of it (when the event loop ran the queries, each answer waited for a query to end).
    expect(healthMs.length, what).toBeGreaterThanOrEqual(3);
    expect(median(healthMs), what).toBeLessThan(aloneMs / 8);
    expect(median(cheapMs), what).toBeLessThan(aloneMs / 4);
    expect(Math.max(...healthMs, ...cheapMs), what).toBeLessThan(aloneMs / 2);
  });

  describe('with a time limit shorter than the expensive search', () => {
    /** A fifth of one expensive search's time (at most TIME_LIMIT_MS): on a fast machine the search still overruns. */
    let timeLimitMs = TIME_LIMIT_MS;
    let storage: Storage;
    let app: FastifyInstance;
    let baseUrl: string;

    beforeAll(async () => {
      // A second instance on the same database, with its own storage and a short limit.
      timeLimitMs = Math.max(10, Math.min(TIME_LIMIT_MS, Math.floor(aloneMs / 5)));
      storage = await openStorage(server.databaseLocation, {
        maxConnections: 2,
        search: { timeoutMs: timeLimitMs },
      });
      app = await buildApp(
        serverConfig({ database: server.databaseLocation, port: 0, logger: false, issuer: 'lapse-test' }),
        { storage },
      );
      baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    });
    afterAll(async () => {
      await app.close();
      await storage.close();
    });

    it('answers a search past it with 503 in the envelope, at the limit, and goes on answering', async () => {
      const boundMs = Math.max(aloneMs, timeLimitMs * 4);
      await warmUp(baseUrl, [heavy, light]);
      const answers = [];
      for (let attempt = 0; attempt < 3; attempt++) {
        const over = await timed(() => search(baseUrl, heavy, expensiveSearchBody()));
        answers.push(over.value.status);
        expect(over.value.headers.get('retry-after')).toMatch(/^\d+$/);
        // Answered at the limit, not when the query would have ended.
        expect(over.ms).toBeLessThan(boundMs);
        if (attempt === 0 || over.value.status === 503) {
          expect(over.value.status).toBe(503);
          expect(over.value.body).toMatchObject({
            data: null,
            status: 'SERVICE_UNAVAILABLE',
            validationMessages: null,
          });
          expect(over.value.body.message).toMatch(new RegExp(`${timeLimitMs} ms`));
        } else {
          // A query past the limit keeps its turn until it has really stopped (SQLite cannot interrupt one), so
          // the same client's next queries may find no turn free.
          expect(over.value.status).toBe(429);
          expect(over.value.body).toMatchObject({ data: null, status: 'RATE_LIMITED' });
        }
      }
      expect(answers[0]).toBe(503);
      // Once the overrunning queries have stopped, the server answers as before.
      await pollUntil(
        async () => ((await search(baseUrl, light, cheapSearchBody(2))).status === 200 ? true : undefined),
        { what: 'a cheap search to answer 200 again', timeoutMs: 15_000, intervalMs: 200 },
      );
      expect((await callApi(baseUrl, '/readyz')).status).toBe(200);
    });
  });
});
