// Faults around a running server process: kill -9 mid-export, clients that go away or read slowly, SIGTERM under
// load, and a PostgreSQL server that stops (contract §2: 503 + Retry-After; §5: streamed, and a cut file never ends
// cleanly). The server runs as `node bin/lapse.js serve`, so its descriptors, memory and exit code are observable.
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, fetchToken, searchBody } from './support/api.js';
import {
  createPostgresCluster,
  createTestDatabase,
  destroyPostgresCluster,
  type PostgresCluster,
  startPostgresCluster,
  stopPostgresCluster,
  type TestDatabase,
} from './support/databases.js';
import { pollUntil, sleep } from './support/poll.js';
import { drainRest, postJson, readRest, readSome } from './support/raw-http.js';
import {
  cpuTicks,
  openDescriptorCount,
  residentBytes,
  type SeededDatabase,
  type ServerProcess,
  seedWithRoot,
  spawnServer,
} from './support/server-process.js';
import type { TestCredential } from './support/test-server.js';
import { assertCsvHeaderRow, assertExportHeaders, incomingHeaders } from './support/wire-schemas.js';

const EXPORT_PATH = '/api/companies/search/export';
/** Every company name is padded so that an export is far larger than anything a server may hold in memory. */
const NAME_PADDING = 5_000;
const SQLITE_COMPANIES = 20_000;
const POSTGRES_COMPANIES = 4_000;

const exportAll = (exportType = 'CSV') => ({ ...searchBody({ pageSize: 1000 }), exportType, reportAllPages: true });
const exportPage = (pageSize: number) => ({ ...searchBody({ pageSize }), exportType: 'CSV' });

function padNamesOnSqlite(file: string): void {
  const database = new Database(file);
  try {
    database.prepare("update companies set name = name || ' ' || ?").run('x'.repeat(NAME_PADDING));
  } finally {
    database.close();
  }
}

function countCompanies(file: string): number {
  const database = new Database(file, { readonly: true });
  try {
    return (database.prepare('select count(*) as n from companies').get() as { n: number }).n;
  } finally {
    database.close();
  }
}

async function openExport(server: ServerProcess, token: string, body: unknown) {
  const opened = await postJson(server.baseUrl, EXPORT_PATH, body, { authorization: `Bearer ${token}` });
  expect(opened.response.statusCode).toBe(200);
  assertExportHeaders(incomingHeaders(opened.response.headers));
  return opened;
}

/** Data lines of a CSV export: header line excluded; every record ends with CRLF (contract §5). */
function csvRecordCount(csv: Buffer): number {
  assertCsvHeaderRow(csv);
  const text = csv.toString('utf8');
  expect(text.endsWith('\r\n')).toBe(true);
  return text.split('\r\n').length - 2;
}

function completedRequests(server: ServerProcess): number {
  return (server.output().match(/"msg":"request completed"/g) ?? []).length;
}

describe('a server process on SQLite', () => {
  let database: TestDatabase;
  let seeded: SeededDatabase;
  let root: TestCredential;
  let companyCount: number;
  const running: ServerProcess[] = [];

  async function start(extraArgs: string[] = []): Promise<ServerProcess> {
    const server = await spawnServer(database.location, extraArgs);
    running.push(server);
    return server;
  }

  /**
   * A started server after one export of `rows` rows (its first reader, warm code), with the idle keep-alive
   * sockets settled, so what follows measures against a steady baseline.
   */
  async function startWarmedUp(rows: number) {
    const server = await start();
    const token = await fetchToken(server.baseUrl, root);
    const warm = await openExport(server, token, exportPage(rows));
    await readRest(warm.response);
    await sleep(500);
    return { server, token };
  }

  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    seeded = await seedWithRoot(database.location, SQLITE_COMPANIES);
    root = seeded.root;
    padNamesOnSqlite(database.location);
    companyCount = countCompanies(database.location);
    expect(companyCount).toBe(SQLITE_COMPANIES);
  });
  afterAll(async () => {
    for (const server of running) await server.stop();
    await database?.drop();
  });

  it('kill -9 in the middle of an export leaves the database whole, and a restarted server answers', async () => {
    const first = await start();
    const token = await fetchToken(first.baseUrl, root);
    const { response } = await openExport(first, token, exportAll());
    expect(await readSome(response, 64 * 1024)).not.toBeNull();
    const cut = drainRest(response).then(
      () => 'ended cleanly',
      (error: Error) => error,
    );
    first.signal('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(await cut).toBeInstanceOf(Error);

    const file = new Database(database.location, { readonly: true });
    try {
      expect(file.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      file.close();
    }
    expect(countCompanies(database.location)).toBe(companyCount);

    const second = await start();
    const again = await fetchToken(second.baseUrl, root);
    const search = await callApi(second.baseUrl, '/api/companies/search', { token: again, body: searchBody() });
    expect(search.status).toBe(200);
    expect(search.body.data.totalNumberOfRecords).toBe(companyCount);
    await second.stop();
  });

  it('a client that goes away mid-export: the descriptors and the snapshot reader are released', async () => {
    const { server, token } = await startWarmedUp(10);
    const baseline = openDescriptorCount(server.pid);

    const { response, abort } = await openExport(server, token, exportAll());
    expect(await readSome(response, 64 * 1024)).not.toBeNull();
    // While the export streams, its reader holds a snapshot: a full checkpoint cannot complete (the probe works).
    expect(checkpointIsBlocked(database.location)).toBe(true);
    expect(openDescriptorCount(server.pid)).toBeGreaterThan(baseline);
    abort();

    await pollUntil(() => (openDescriptorCount(server.pid) <= baseline ? true : undefined), {
      what: `the server's descriptors to return to ${baseline}`,
      timeoutMs: 15_000,
    });
    await pollUntil(() => (checkpointIsBlocked(database.location) ? undefined : true), {
      what: 'the abandoned export to release its snapshot',
      timeoutMs: 15_000,
    });
    expect(writeWithoutWaiting(database.location)).toBe(1);
    expect((await callApi(server.baseUrl, '/healthz')).status).toBe(200);
    const after = await openExport(server, token, exportPage(50));
    expect(csvRecordCount(await readRest(after.response))).toBe(50);
    expect(server.output()).not.toMatch(/SQLITE_BUSY/);
  });

  it('a slow reader: the server holds back (backpressure) and its memory stays flat', async () => {
    const { server, token } = await startWarmedUp(1000);
    const before = residentBytes(server.pid);

    const { response, abort } = await openExport(server, token, exportAll());
    const rowCount = Number(response.headers['x-total-count']);
    const boundBytes = 30 * 1024 * 1024;
    // Each row carries a name of NAME_PADDING characters: the whole file is several times the memory bound.
    expect(rowCount * NAME_PADDING).toBeGreaterThan(3 * boundBytes);
    let readBytes = 0;
    let peak = before;
    for (let step = 0; step < 160; step++) {
      readBytes += (await readSome(response, 4096, 50))?.length ?? 0;
      await sleep(50);
      peak = Math.max(peak, residentBytes(server.pid));
    }
    abort();
    expect(readBytes).toBeGreaterThan(0);
    expect(readBytes).toBeLessThan(1024 * 1024);
    expect(peak - before).toBeLessThan(boundBytes);
  });

  it('SIGTERM under load: every in-flight export completes whole, the process exits 0, then refuses', async () => {
    // Ten exports of one client at once: over the default export limits, which the flags raise.
    const server = await start(['--exports-per-client', '10', '--exports-total', '10']);
    const token = await fetchToken(server.baseUrl, root);
    const pageSize = 1000; // over 5 MB each: more than the socket buffers take, so the server is mid-write
    const exports = await Promise.all(
      Array.from({ length: 10 }, (_, page) =>
        openExport(server, token, { ...exportPage(pageSize), pageNumber: page + 1 }),
      ),
    );
    await waitUntilIdle(server);
    const completedBefore = completedRequests(server);
    server.signal('SIGTERM');
    // Stopped accepting at once, while the exports are still being written.
    await pollUntil(
      async () => {
        const refused = await fetch(`${server.baseUrl}/healthz`).then(
          () => false,
          () => true,
        );
        return refused ? true : undefined;
      },
      { what: 'new connections to be refused after SIGTERM', timeoutMs: 5_000 },
    );
    const bodies = await Promise.all(exports.map(({ response }) => readRest(response)));
    expect(completedBefore).toBeLessThan(1 + exports.length); // the token request, and not every export
    for (const body of bodies) expect(csvRecordCount(body)).toBe(pageSize);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    await expect(fetch(`${server.baseUrl}/healthz`)).rejects.toThrow();
  });
});

/** Waits until the server stops using CPU: every export has filled its socket and waits for its reader. */
async function waitUntilIdle(server: ServerProcess): Promise<void> {
  let last = cpuTicks(server.pid);
  await pollUntil(
    () => {
      const now = cpuTicks(server.pid);
      const isIdle = now - last <= 2;
      last = now;
      return isIdle ? true : undefined;
    },
    { what: 'the server to block on its paused readers', timeoutMs: 60_000, intervalMs: 500 },
  );
}

/** Whether a TRUNCATE checkpoint is held up by an open read snapshot (a reader that was not released). */
function checkpointIsBlocked(file: string): boolean {
  const database = new Database(file);
  try {
    database.pragma('busy_timeout = 200');
    const [result] = database.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    return result?.busy !== 0;
  } finally {
    database.close();
  }
}

/** One write with no busy wait at all: SQLITE_BUSY would throw. Returns the rows changed. */
function writeWithoutWaiting(file: string): number {
  const database = new Database(file);
  try {
    database.pragma('busy_timeout = 0');
    return database
      .prepare('update companies set time_zone_id = time_zone_id where id = (select min(id) from companies)')
      .run().changes;
  } finally {
    database.close();
  }
}

describe('a server process on PostgreSQL that goes away', () => {
  let cluster: PostgresCluster;
  let location: string;
  let root: TestCredential;
  const running: ServerProcess[] = [];

  beforeAll(async () => {
    // A cluster of this file's own: stopping it takes no other test file's database away.
    cluster = await createPostgresCluster();
    const admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    await admin.query('create database lapse_faults');
    await admin.end();
    const url = new URL(cluster.adminUrl);
    url.pathname = '/lapse_faults';
    location = url.toString();
    ({ root } = await seedWithRoot(location, POSTGRES_COMPANIES));
    const client = new pg.Client({ connectionString: location });
    await client.connect();
    await client.query("update companies set name = name || ' ' || repeat('x', $1::int)", [NAME_PADDING]);
    await client.end();
  });
  afterAll(async () => {
    for (const server of running) await server.stop();
    if (cluster) await destroyPostgresCluster(cluster);
  });

  async function start(): Promise<ServerProcess> {
    const server = await spawnServer(location);
    running.push(server);
    return server;
  }

  it('answers 503 with Retry-After while the database is down, and 200 again once it is back', async () => {
    const server = await start();
    const token = await fetchToken(server.baseUrl, root);
    const search = () => callApi(server.baseUrl, '/api/companies/search', { token, body: searchBody({ pageSize: 5 }) });
    expect((await search()).status).toBe(200);
    await stopPostgresCluster(cluster);
    try {
      const refused = await search();
      expect(refused.status).toBe(503);
      expect(refused.body).toMatchObject({ data: null, status: 'SERVICE_UNAVAILABLE' });
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      const ready = await callApi(server.baseUrl, '/readyz');
      expect(ready.status).toBe(503);
      expect(ready.headers.get('retry-after')).toBeTruthy();
      expect((await callApi(server.baseUrl, '/healthz')).status).toBe(200);
    } finally {
      await startPostgresCluster(cluster);
    }
    const recovered = await pollUntil(
      async () => {
        const response = await search();
        return response.status === 200 ? response : undefined;
      },
      { what: 'search to answer 200 after the database came back', timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(recovered.body.data.totalNumberOfRecords).toBe(POSTGRES_COMPANIES);
    expect((await callApi(server.baseUrl, '/readyz')).status).toBe(200);
    expect(server.output()).not.toMatch(/"level":60/); // nothing fatal was logged
  });

  it('a database failure in the middle of an export cuts the transfer; it never ends cleanly', async () => {
    const server = await start();
    const token = await fetchToken(server.baseUrl, root);
    const { response } = await openExport(server, token, exportAll());
    expect(await readSome(response, 64 * 1024)).not.toBeNull();
    await stopPostgresCluster(cluster);
    try {
      // Drained, not kept: under a slow shutdown the server may stream a lot before the connection is lost.
      await expect(drainRest(response)).rejects.toThrow();
      // The process survives the lost connection and still answers.
      expect((await callApi(server.baseUrl, '/healthz')).status).toBe(200);
    } finally {
      await startPostgresCluster(cluster);
    }
    await pollUntil(async () => ((await callApi(server.baseUrl, '/readyz')).status === 200 ? true : undefined), {
      what: '/readyz after the database came back',
      timeoutMs: 30_000,
      intervalMs: 500,
    });
  });
});
