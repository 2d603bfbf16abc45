// SIGTERM while searches wait for their turn (contract §2): every search already sent is answered 2xx, or refused
// with 503 SERVICE_UNAVAILABLE in the envelope with Retry-After, never a 500 nor a cut connection; the searches
// already running finish; no stopped search thread is logged; the process exits 0. A request that arrives during the
// drain on a connection still open is refused the same way. Over real HTTP against `lapse serve` processes, one
// and two workers, on both databases.
import { connect, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_STATUS } from '../src/contract/index.js';
import { ApiError } from '../src/server/errors.js';
import { callApi, fetchToken, searchBody } from './support/api.js';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/databases.js';
import { expensiveSearchBody, padCompanyNames } from './support/expensive-search.js';
import { pollUntil } from './support/poll.js';
import {
  createCredential,
  type SeededDatabase,
  type ServerProcess,
  seedWithRoot,
  spawnServer,
} from './support/server-process.js';

const COMPANIES = 20_000;
/** Characters added to every name: one expensive search takes a good part of a second, an export is megabytes. */
const NAME_PADDING = 300;
/** Tenants, and each one's searches sent at once: far more than a worker's search turns, so most of them wait. */
const TENANTS = 4;
const SEARCHES_PER_TENANT = 8;
/**
 * Search turns per worker: few, so those running finish well inside the time limit on PostgreSQL too (where the
 * default is the pool's size, and that many expensive searches at once on two cores overrun it).
 */
const SEARCH_TURNS = 2;

interface Answer {
  status: number;
  retryAfter: string | null;
  body: { status?: string; message?: string | null };
}

const countOf = (text: string, pattern: RegExp) => (text.match(pattern) ?? []).length;

/** The JSON log lines at error level or above (pino: 50 error, 60 fatal). */
function errorLines(output: string): string[] {
  return output.split('\n').filter((line) => {
    try {
      return ((JSON.parse(line) as { level?: number }).level ?? 0) >= 50;
    } catch {
      return false;
    }
  });
}

/** Refused by the drain itself: not a search that overran its time limit, which is a 503 too. */
function expectRefusedInEnvelope(answer: Answer): void {
  const refusal = ApiError.shuttingDown();
  expect(answer).toMatchObject({
    status: 503,
    body: { status: SERVICE_STATUS.SERVICE_UNAVAILABLE, message: refusal.message },
  });
  expect(answer.retryAfter).toBe(refusal.headers['retry-after']);
}

/** A raw HTTP/1.1 connection kept open, read only once the test resumes it; every byte it received, at its end. */
function openConnection(baseUrl: string) {
  const { hostname, port } = new URL(baseUrl);
  const socket: Socket = connect({ host: hostname, port: Number(port) });
  const chunks: Buffer[] = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  socket.pause();
  const ended = new Promise<string>((resolve, reject) => {
    socket.on('error', reject);
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
  });
  return {
    socket,
    ended,
    post(path: string, token: string, body: unknown, headers = '') {
      const json = JSON.stringify(body);
      socket.write(
        `POST ${path} HTTP/1.1\r\nhost: ${hostname}\r\nauthorization: Bearer ${token}\r\n${headers}` +
          `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(json)}\r\n\r\n${json}`,
      );
    },
  };
}

/** The last response of a raw exchange, as status, headers (lower-cased names) and body. */
function lastResponse(exchange: string) {
  const text = exchange.slice(exchange.lastIndexOf('HTTP/1.1 '));
  const [head = '', body = ''] = text.split('\r\n\r\n');
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = new Map(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  return { status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(body) as Answer['body'] };
}

describe.each(DATABASE_KINDS)('SIGTERM while searches wait on %s', (kind) => {
  let database: TestDatabase;
  let seeded: SeededDatabase;
  let server: ServerProcess | undefined;
  const newToken = async (baseUrl: string) =>
    fetchToken(baseUrl, await createCredential(database.location, seeded.seed.rootResourceId, 'Root'));

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    seeded = await seedWithRoot(database.location, COMPANIES);
    await padCompanyNames(database.location, NAME_PADDING);
  }, 120_000);
  afterEach(() => server?.stop());
  afterAll(() => database?.drop());

  it.each([1, 2])(
    '--workers %i: each search answers 2xx or a 503 envelope, never a 500',
    async (workers) => {
      const running = await spawnServer(database.location, [
        '--workers',
        String(workers),
        '--search-concurrency',
        String(SEARCH_TURNS),
      ]);
      server = running;
      const tokens = await Promise.all(Array.from({ length: TENANTS }, () => newToken(running.baseUrl)));
      const completed = () => countOf(running.output(), /"request completed"/g);
      const received = () => countOf(running.output(), /"incoming request"/g);
      const [completedBefore, receivedBefore] = [completed(), received()];
      const answers = tokens.flatMap((token) =>
        Array.from({ length: SEARCHES_PER_TENANT }, async (): Promise<Answer> => {
          const answer = await callApi(running.baseUrl, '/api/companies/search', {
            token,
            body: expensiveSearchBody(),
          });
          return { status: answer.status, retryAfter: answer.headers.get('retry-after'), body: answer.body };
        }),
      );
      await pollUntil(() => (received() - receivedBefore >= answers.length ? true : undefined), {
        what: 'every search to reach the server',
        timeoutMs: 20_000,
        intervalMs: 20,
      });
      // Most are still waiting for a turn when the signal comes.
      expect(completed() - completedBefore).toBeLessThan(answers.length / 2);
      running.signal('SIGTERM');
      const settled = await Promise.all(answers);
      expect(await running.exited).toEqual({ code: 0, signal: null });
      const succeeded = settled.filter((answer) => answer.status >= 200 && answer.status < 300);
      const refused = settled.filter((answer) => !succeeded.includes(answer));
      expect(succeeded.length).toBeGreaterThan(0);
      expect(refused.length).toBeGreaterThan(0);
      for (const answer of refused) expectRefusedInEnvelope(answer);
      expect(running.output()).not.toMatch(/search query thread stopped/);
      expect(errorLines(running.output())).toEqual([]);
    },
    120_000,
  );

  it('a search sent during the drain on a connection still open is refused with a 503 envelope', async () => {
    const running = await spawnServer(database.location);
    server = running;
    const token = await newToken(running.baseUrl);
    const received = () => countOf(running.output(), /"incoming request"/g);
    const receivedBefore = received();
    const connection = openConnection(running.baseUrl);
    // An export of every company, unread until the end: more megabytes than the socket buffers hold, so it is
    // still being written when the signal comes and when the next request arrives.
    connection.post('/api/companies/search/export', token, {
      ...searchBody({ pageSize: 1000 }),
      exportType: 'CSV',
      reportAllPages: true,
    });
    await pollUntil(() => (received() > receivedBefore ? true : undefined), {
      what: 'the export to reach the server',
      timeoutMs: 20_000,
    });
    running.signal('SIGTERM');
    await pollUntil(() => (/"shutting down"/.test(running.output()) ? true : undefined), {
      what: 'the server to start draining',
      timeoutMs: 10_000,
    });
    connection.post('/api/companies/search', token, searchBody(), 'connection: close\r\n');
    connection.socket.resume();
    const exchange = await connection.ended;
    expect(exchange.startsWith('HTTP/1.1 200')).toBe(true);
    const refusal = lastResponse(exchange);
    expectRefusedInEnvelope({
      status: refusal.status,
      retryAfter: refusal.headers.get('retry-after') ?? null,
      body: refusal.body,
    });
    expect(refusal.headers.get('x-request-id')).toBeTruthy();
    expect(await running.exited).toEqual({ code: 0, signal: null });
    expect(errorLines(running.output())).toEqual([]);
  }, 120_000);
});
