// Exports are bounded (SECURITY.md, export limits), over real HTTP on both databases: exports beyond the limits per
// client id and per instance are refused with 429 before any byte; exports whose clients never read do not take
// the connections other tenants' searches, tokens and /readyz need; an export whose client stops reading is cut
// after the stall timeout, and its slot and database connection come back. Stalled readers are raw loopback
// sockets that read the first bytes of the answer and then nothing more.
import { connect, type Socket } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/server/app.js';
import { serverConfig } from '../src/server/config.js';
import { callApi, fetchToken, searchBody } from './support/api.js';
import { DATABASE_KINDS } from './support/databases.js';
import { pollUntil } from './support/poll.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const EXPORT_ALL = { ...searchBody({ pageSize: 10 }), reportAllPages: true, exportType: 'CSV' };

interface StalledExport {
  /** What arrived before the socket stopped reading: the status line and headers, and maybe some body. */
  head: string;
  socket: Socket;
}

/** POSTs an export on a socket of its own that reads its first bytes and then nothing, as a stalled client. */
function openStalledExport(baseUrl: string, token: string): Promise<StalledExport> {
  const { hostname, port } = new URL(baseUrl);
  const body = JSON.stringify(EXPORT_ALL);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.setTimeout(15_000, () => socket.destroy(new Error('no answer to the export')));
    socket.once('error', reject);
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      socket.setTimeout(0);
      resolve({ head: chunk.toString('latin1'), socket });
    });
    socket.write(
      `POST /api/companies/search/export HTTP/1.1\r\nhost: ${hostname}:${port}\r\nauthorization: Bearer ${token}\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}

/** Reads the rest of a stalled export; resolves with everything that arrived, whether it ended or was cut. */
function readToClose({ head, socket }: StalledExport): Promise<string> {
  const chunks: Buffer[] = [Buffer.from(head, 'latin1')];
  return new Promise((resolve) => {
    socket.setTimeout(15_000, () => socket.destroy());
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', () => {});
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.resume();
  });
}

const statusOf = (stalled: StalledExport) => Number(stalled.head.slice(9, 12));

/** A Root credential of its own, as another tenant would have: the limits are per client id. */
async function tenantToken(server: TestServer): Promise<string> {
  return fetchToken(server.baseUrl, await server.addCredential(server.seed.rootResourceId, 'Root'));
}

async function timed<T>(call: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await call();
  return { value, ms: performance.now() - start };
}

describe.each(DATABASE_KINDS)('export limits on %s', (kind) => {
  let server: TestServer;
  const sockets: Socket[] = [];
  const stalled = async (baseUrl: string, token: string) => {
    const opened = await openStalledExport(baseUrl, token);
    sockets.push(opened.socket);
    return opened;
  };
  const releaseAll = () => {
    for (const socket of sockets.splice(0)) socket.destroy();
  };

  beforeAll(async () => {
    // Enough rows that a file outgrows the loopback socket buffers, so a client that never reads stalls it.
    // Six exports in flight is more than the test server's five pooled PostgreSQL connections.
    server = await startTestServer({
      kind,
      companies: 30_000,
      config: { exportsPerClient: 3, exportsTotal: 6, exportStallTimeoutMs: 120_000 },
    });
  });
  afterAll(async () => {
    releaseAll();
    await server.close();
  });

  it('refuses exports over the limits with 429 before any byte, and other tenants stay fast meanwhile', async () => {
    const [first, second, third] = [await tenantToken(server), await tenantToken(server), await tenantToken(server)];
    try {
      const ofFirst = await Promise.all(Array.from({ length: 8 }, () => stalled(server.baseUrl, first)));
      expect(ofFirst.map(statusOf).sort()).toEqual([200, 200, 200, 429, 429, 429, 429, 429]);
      const refused = ofFirst.find((opened) => statusOf(opened) === 429) as StalledExport;
      expect(refused.head).toMatch(/\r\nretry-after: \d+\r\n/i);
      expect(refused.head).toMatch(/\r\ncontent-type: application\/json/i);
      expect(JSON.parse(refused.head.slice(refused.head.indexOf('\r\n\r\n') + 4))).toMatchObject({
        data: null,
        status: 'RATE_LIMITED',
      });

      const ofSecond = await Promise.all(Array.from({ length: 3 }, () => stalled(server.baseUrl, second)));
      expect(ofSecond.map(statusOf)).toEqual([200, 200, 200]);
      // Six in flight: the instance's limit, whoever asks.
      expect(statusOf(await stalled(server.baseUrl, third))).toBe(429);

      for (let round = 0; round < 5; round++) {
        const search = await timed(() =>
          callApi(server.baseUrl, '/api/companies/search', { token: third, body: searchBody() }),
        );
        expect(search.value.status).toBe(200);
        expect(search.ms).toBeLessThan(1000);
        const ready = await timed(() => callApi(server.baseUrl, '/readyz'));
        expect(ready.value.status).toBe(200);
        expect(ready.ms).toBeLessThan(1000);
      }
      const token = await timed(() => tenantToken(server));
      expect(token.ms).toBeLessThan(2000);
    } finally {
      releaseAll();
    }
  });

  describe('with a short stall timeout', () => {
    let app: FastifyInstance;
    let baseUrl: string;

    beforeAll(async () => {
      // A second instance on the same database, so the cut can be seen in seconds.
      const config = serverConfig({
        database: server.databaseLocation,
        port: 0,
        logger: false,
        exportsPerClient: 1,
        exportStallTimeoutMs: 1000,
      });
      app = await buildApp(config, { storage: server.storage });
      baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    });
    afterAll(() => app.close());

    it('cuts an export whose client stops reading, and gives its slot and connection back', async () => {
      const token = await tenantToken({ ...server, baseUrl });
      try {
        const opened = await stalled(baseUrl, token);
        expect(statusOf(opened)).toBe(200);
        const startMs = performance.now();
        // The same client's next export is refused until the stalled one is cut, then streams whole.
        const next = await pollUntil(
          async () => {
            const response = await callApi(baseUrl, '/api/companies/search/export', { token, body: EXPORT_ALL });
            return response.status === 200 ? response : undefined;
          },
          { what: 'the stalled export to be cut', timeoutMs: 10_000, intervalMs: 200 },
        );
        expect(performance.now() - startMs).toBeGreaterThanOrEqual(900);
        expect(next.headers.get('content-type')).toMatch(/^text\/csv/);
        // contract §5: what the stalled client gets when it reads at last is a cut file, never a whole one.
        const received = await readToClose(opened);
        expect(received).toMatch(/^HTTP\/1\.1 200/);
        expect(received.endsWith('\r\n0\r\n\r\n')).toBe(false);
      } finally {
        releaseAll();
      }
    });
  });
});
