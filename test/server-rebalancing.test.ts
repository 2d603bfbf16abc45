// `lapse serve --workers 2`: connections a client kept alive from before every worker listened do not stay on the
// first worker for good. Once the second listens, each is closed after its next response (`Connection: close`),
// and the client's new connections are shared by both workers. Over real HTTP (a keep-alive pool, as a load
// balancer keeps one), on both databases. Needs `npm run build`.
import http from 'node:http';
import { connect } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/databases.js';
import { pollUntil } from './support/poll.js';
import { type ServerProcess, seedWithRoot, spawnServer } from './support/server-process.js';

/** Connections in the client's pool, each opened at once after the first worker listens. */
const POOL = 4;

interface Ready {
  status: number;
  /** The pid of the worker that answered (X-Lapse-Worker). */
  worker: number;
  connection: string | undefined;
  ready: number;
}

function readyz(baseUrl: string, agent: http.Agent | false): Promise<Ready> {
  return new Promise((resolve, reject) => {
    const request = http.get(new URL('/readyz', baseUrl), { agent, timeout: 10_000 }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          worker: Number(response.headers['x-lapse-worker']),
          connection: response.headers.connection,
          ready: (JSON.parse(text) as { workers: { ready: number } }).workers.ready,
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('/readyz timed out')));
  });
}

/** A raw connection: what it has received so far, and a way to send bytes on it. */
function rawConnection(baseUrl: string) {
  const { hostname, port } = new URL(baseUrl);
  const socket = connect({ host: hostname, port: Number(port) });
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  const request = `GET /readyz HTTP/1.1\r\nhost: ${hostname}\r\n\r\n`;
  return {
    socket,
    received: () => received,
    send: (requests: number) => socket.write(request.repeat(requests)),
  };
}

// A response follows the last one's body on the same line: counted anywhere in the text.
const responsesIn = (text: string) => text.match(/HTTP\/1\.1 200 /g)?.length ?? 0;

describe.each(DATABASE_KINDS)('connections kept alive across the start of the workers on %s', (kind) => {
  let database: TestDatabase;
  let server: ServerProcess | undefined;
  let agent: http.Agent | undefined;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await seedWithRoot(database.location, 50);
  }, 120_000);
  afterEach(async () => {
    agent?.destroy();
    await server?.stop();
  });
  afterAll(() => database?.drop());

  it('are moved once every worker listens, and both workers then answer them', async () => {
    server = await spawnServer(database.location, ['--workers', '2', '--worker-header']);
    const { baseUrl } = server;
    const pool = new http.Agent({ keepAlive: true, maxSockets: POOL });
    agent = pool;
    // The URL is printed when the first worker listens; the second starts after it.
    const early = await Promise.all(Array.from({ length: POOL }, () => readyz(baseUrl, pool)));
    expect(early.map((answer) => answer.ready)).toEqual(early.map(() => 1));
    const first = early[0]?.worker;
    expect(early.every((answer) => answer.worker === first)).toBe(true);

    await pollUntil(async () => ((await readyz(baseUrl, false)).ready === 2 ? true : undefined), {
      what: 'the second worker to listen',
      timeoutMs: 30_000,
    });
    // The primary tells the first worker the count after the second listens; give that message its moment.
    const answers: Ready[] = [];
    await pollUntil(
      async () => {
        answers.push(...(await Promise.all(Array.from({ length: POOL }, () => readyz(baseUrl, pool)))));
        return new Set(answers.map((answer) => answer.worker)).size === 2 ? true : undefined;
      },
      { what: 'the pool’s connections to reach the second worker', timeoutMs: 10_000, intervalMs: 50 },
    );
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    // Each early connection was closed once, after a response that said so; none of the new ones was.
    const closed = answers.filter((answer) => answer.connection === 'close');
    expect(closed.length).toBe(POOL);
    expect(closed.every((answer) => answer.worker === first)).toBe(true);
    const later = await Promise.all(Array.from({ length: POOL }, () => readyz(baseUrl, pool)));
    expect(later.map((answer) => answer.connection)).toEqual(later.map(() => 'keep-alive'));
  });

  it('answers every request pipelined on such a connection before closing it', async () => {
    server = await spawnServer(database.location, ['--workers', '2', '--worker-header']);
    const { baseUrl } = server;
    const early = rawConnection(baseUrl);
    try {
      early.send(1);
      await pollUntil(async () => (responsesIn(early.received()) === 1 ? true : undefined), {
        what: 'the first answer on the early connection',
        timeoutMs: 10_000,
        intervalMs: 20,
      });
      expect(early.received()).toMatch(/"ready":1/);
      await pollUntil(async () => ((await readyz(baseUrl, false)).ready === 2 ? true : undefined), {
        what: 'the second worker to listen',
        timeoutMs: 30_000,
      });
      // Three requests in one write: each is read before the first is answered.
      early.send(3);
      await pollUntil(async () => (responsesIn(early.received()) >= 4 ? true : undefined), {
        what: 'the three pipelined requests to be answered',
        timeoutMs: 10_000,
        intervalMs: 20,
      });
      expect(responsesIn(early.received())).toBe(4);
    } finally {
      early.socket.destroy();
    }
  });
});
