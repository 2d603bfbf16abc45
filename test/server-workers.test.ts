// `lapse serve --workers 2` in a process of its own, on both databases: what one worker learns, every worker
// knows at once. A credential disabled through one worker is refused by both; a write through one is seen in the
// cached pages of both; a client over its rate limit (or an address over its failed-token limit) is limited
// whichever worker answers, the two together allowing exactly the limit; a worker killed with SIGKILL is replaced
// while the other keeps answering; SIGTERM drains both (in-flight exports finish whole) and leaves no process.
// Every request goes on a connection of its own, which the cluster hands to the workers in turn; each answer
// names its worker (--worker-header), so the tests see both answer. Needs `npm run build`.
import { existsSync } from 'node:fs';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CompanyDto,
  companyWriteBodyOf,
  JWKS_PATH,
  type SearchPage,
  type ServiceResult,
} from '../src/contract/index.js';
import { searchBody } from './support/api.js';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/databases.js';
import { padCompanyNames } from './support/expensive-search.js';
import { pollUntil } from './support/poll.js';
import { postJson, readRest } from './support/raw-http.js';
import {
  createCredential,
  type SeededDatabase,
  type ServerProcess,
  seedWithRoot,
  spawnServer,
} from './support/server-process.js';
import type { TestCredential } from './support/test-server.js';
import { assertCsvHeaderRow, assertWireExchange, incomingHeaders } from './support/wire-schemas.js';

const RATE_LIMIT_PER_MINUTE = 20;
const FAILED_TOKEN_LIMIT_PER_MINUTE = 6;
/** The guesser's own loopback address, so the other tests' token requests stay clean. */
const GUESSER_ADDRESS = '127.0.0.3';
const CLEAN_ADDRESS = '127.0.0.4';
const COMPANIES = 1_200;
const EXPORT_ROWS = 1_000;
/** Long names make each export over 5 MB: more than the socket buffers take, so the server is mid-write. */
const NAME_PADDING = 5_000;

interface Answer<T = any> {
  status: number;
  /** The pid of the worker that answered (X-Lapse-Worker). */
  worker: number;
  body: T;
}

interface Call {
  method?: string;
  token?: string;
  body?: unknown;
  form?: Record<string, string>;
  headers?: Record<string, string>;
  localAddress?: string;
}

/** One request on a connection of its own (so the cluster picks a worker for it), its answer checked on the wire. */
function freshRequest<T = any>(baseUrl: string, path: string, call: Call = {}): Promise<Answer<T>> {
  const method = call.method ?? (call.body === undefined && call.form === undefined ? 'GET' : 'POST');
  const payload = call.form ? new URLSearchParams(call.form).toString() : JSON.stringify(call.body ?? null);
  const headers: Record<string, string> = { ...call.headers };
  if (call.token) headers.authorization = `Bearer ${call.token}`;
  if (call.form) headers['content-type'] = 'application/x-www-form-urlencoded';
  else if (call.body !== undefined) headers['content-type'] = 'application/json';
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(path, baseUrl), {
      method,
      agent: false,
      headers,
      timeout: 30_000,
      ...(call.localAddress && { localAddress: call.localAddress }),
    });
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error(`${method} ${path} timed out`)));
    request.on('response', async (response) => {
      try {
        const bytes = await readRest(response);
        const status = response.statusCode ?? 0;
        await assertWireExchange({ method, path, status, headers: incomingHeaders(response.headers), bytes });
        const text = bytes.toString('utf8');
        resolve({ status, worker: Number(response.headers['x-lapse-worker']), body: text && JSON.parse(text) });
      } catch (error) {
        reject(error);
      }
    });
    request.end(method === 'GET' ? undefined : payload);
  });
}

function tokenRequest(baseUrl: string, credential: TestCredential, secret = credential.clientSecret, address?: string) {
  const form = { grant_type: 'client_credentials', client_id: credential.clientId, client_secret: secret };
  return freshRequest<{ access_token?: string }>(baseUrl, '/connect/token', {
    form,
    ...(address && { localAddress: address }),
  });
}

async function tokenOf(baseUrl: string, credential: TestCredential): Promise<string> {
  const answer = await tokenRequest(baseUrl, credential);
  if (answer.status !== 200 || !answer.body.access_token) throw new Error(`token request: ${answer.status}`);
  return answer.body.access_token;
}

/** Calls `ask` until two different workers have answered; every answer, in order. */
async function fromBothWorkers<T>(ask: () => Promise<Answer<T>>): Promise<Answer<T>[]> {
  const answers: Answer<T>[] = [];
  while (new Set(answers.map((answer) => answer.worker)).size < 2) {
    if (answers.length >= 10) throw new Error(`ten answers, all from worker ${answers[0]?.worker}`);
    answers.push(await ask());
  }
  return answers;
}

const workersOf = (answers: readonly Answer[]) => new Set(answers.map((answer) => answer.worker));

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe.each(DATABASE_KINDS)('lapse serve --workers 2 on %s', (kind) => {
  let database: TestDatabase;
  let seeded: SeededDatabase;
  let server: ServerProcess;
  let baseUrl: string;
  /** A Root credential of the test's own, so each test spends from a bucket of its own. */
  const newRoot = () => createCredential(database.location, seeded.seed.rootResourceId, 'Root');

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    seeded = await seedWithRoot(database.location, COMPANIES);
    server = await spawnServer(database.location, [
      '--workers',
      '2',
      '--worker-header',
      '--rate-limit',
      String(RATE_LIMIT_PER_MINUTE),
      '--failed-token-limit',
      String(FAILED_TOKEN_LIMIT_PER_MINUTE),
      '--log-level',
      'warn',
    ]);
    baseUrl = server.baseUrl;
  });
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('reports both workers at /readyz, and both answer', async () => {
    // The primary says it listens once the first worker does; the second may still be starting.
    await pollUntil(
      async () => ((await freshRequest(baseUrl, '/readyz')).body.workers?.ready === 2 ? true : undefined),
      { what: 'both workers to listen', timeoutMs: 30_000 },
    );
    const answers = await fromBothWorkers(() => freshRequest(baseUrl, '/readyz'));
    for (const answer of answers) {
      expect(answer).toMatchObject({ status: 200, body: { status: 'ready', workers: { ready: 2, wanted: 2 } } });
    }
    expect(workersOf(answers)).not.toContain(server.pid);
  });

  it('a credential disabled through one worker is refused by every worker at once', async () => {
    const rootToken = await tokenOf(baseUrl, await newRoot());
    const customer = seeded.seed.resellers[0]?.resourceId as string;
    const asCustomer = { token: rootToken, headers: { 'x-keepnet-company-id': customer } };
    const roles = await freshRequest(baseUrl, '/api/roles', { token: rootToken });
    const resellerRole = roles.body.data.find((role: { name: string }) => role.name === 'Reseller').resourceId;
    const generated = await freshRequest(baseUrl, '/api/companies/clients/generate-client-credentials', {
      token: rootToken,
    });
    const { clientId, clientSecret } = generated.body.data;
    const clientBody = {
      name: 'worker script',
      clientId,
      clientSecret,
      statusId: 1,
      roleResourceIdList: [resellerRole],
    };
    const created = await freshRequest(baseUrl, '/api/companies/clients', { ...asCustomer, body: clientBody });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const client = { clientId, clientSecret, companyResourceId: customer };
    const clientToken = await tokenOf(baseUrl, client);
    const search = () => freshRequest(baseUrl, '/api/companies/search', { token: clientToken, body: searchBody() });
    // Both workers have now read the credential as enabled (and keep it while the data stands still).
    for (const answer of await fromBothWorkers(search)) expect(answer.status).toBe(200);

    const disabled = await freshRequest(baseUrl, `/api/companies/clients/${created.body.data.resourceId}`, {
      ...asCustomer,
      method: 'PUT',
      body: { ...clientBody, statusId: 2 },
    });
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    const after = await Promise.all(Array.from({ length: 6 }, search));
    expect(after.map((answer) => answer.status)).toEqual(after.map(() => 401));
    expect(workersOf(after).size).toBe(2);
    const tokens = await Promise.all(Array.from({ length: 4 }, () => tokenRequest(baseUrl, client)));
    expect(tokens.map((answer) => [answer.status, answer.body])).toEqual(
      tokens.map(() => [400, expect.objectContaining({ error: 'invalid_client' })]),
    );
    expect(workersOf(tokens).size).toBe(2);
  });

  it('a write through one worker changes the cached pages of every worker at once', async () => {
    const token = await tokenOf(baseUrl, await newRoot());
    const body = searchBody({ pageSize: 10 });
    const page = () => freshRequest<ServiceResult<SearchPage>>(baseUrl, '/api/companies/search', { token, body });
    // Twice from each worker: the second answer of each comes from its page cache.
    const before = [...(await fromBothWorkers(page)), ...(await fromBothWorkers(page))];
    const first = before[0]?.body.data?.results[0]?.companyResourceId as string;
    for (const answer of before) expect(answer.body).toEqual(before[0]?.body);

    const company = await freshRequest<ServiceResult<CompanyDto>>(baseUrl, `/api/companies/${first}`, { token });
    const renamed = `${company.body.data?.name} (renamed)`;
    const put = await freshRequest(baseUrl, `/api/companies/${first}`, {
      token,
      method: 'PUT',
      body: { ...companyWriteBodyOf(company.body.data as CompanyDto), Name: renamed },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const after = await Promise.all(Array.from({ length: 6 }, page));
    expect(workersOf(after).size).toBe(2);
    for (const answer of after) {
      const listed = answer.body.data?.results.find((row) => row.companyResourceId === first);
      expect({ worker: answer.worker, name: listed?.companyName }).toEqual({ worker: answer.worker, name: renamed });
    }
  });

  it('a client over its rate limit is limited whichever worker answers: both together allow the limit', async () => {
    const credential = await newRoot();
    const startedAt = performance.now();
    const token = await tokenOf(baseUrl, credential); // takes one token itself
    const answers: Answer[] = [];
    for (let call = 0; call < 2 * RATE_LIMIT_PER_MINUTE; call++) {
      answers.push(await freshRequest(baseUrl, '/api/companies/search', { token, body: searchBody({ pageSize: 1 }) }));
    }
    // The bucket refills continuously: whatever whole tokens came back while the calls ran may be spent too.
    const refilled = Math.floor(((performance.now() - startedAt) * RATE_LIMIT_PER_MINUTE) / 60_000);
    const allowed = answers.filter((answer) => answer.status === 200);
    const limited = answers.filter((answer) => answer.status === 429);
    expect(allowed.length + limited.length).toBe(answers.length);
    expect(allowed.length).toBeGreaterThanOrEqual(RATE_LIMIT_PER_MINUTE - 1);
    expect(allowed.length).toBeLessThanOrEqual(RATE_LIMIT_PER_MINUTE - 1 + refilled);
    expect(workersOf(allowed).size).toBe(2);
    expect(workersOf(limited).size).toBe(2);
    expect(limited[0]?.body).toMatchObject({ status: 'RATE_LIMITED' });
  });

  it('an address over its failed-token limit is limited whichever worker answers', async () => {
    const credential = await newRoot();
    const answers: Answer[] = [];
    for (let attempt = 0; attempt < 2 * FAILED_TOKEN_LIMIT_PER_MINUTE; attempt++) {
      answers.push(await tokenRequest(baseUrl, credential, 'not-the-secret', GUESSER_ADDRESS));
    }
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.slice(0, FAILED_TOKEN_LIMIT_PER_MINUTE)).toEqual(Array(FAILED_TOKEN_LIMIT_PER_MINUTE).fill(400));
    expect(statuses.slice(FAILED_TOKEN_LIMIT_PER_MINUTE)).toEqual(Array(FAILED_TOKEN_LIMIT_PER_MINUTE).fill(429));
    expect(workersOf(answers.slice(FAILED_TOKEN_LIMIT_PER_MINUTE)).size).toBe(2);
    // The right secret from an address that has not failed still gets its token.
    expect((await tokenRequest(baseUrl, credential, credential.clientSecret, CLEAN_ADDRESS)).status).toBe(200);
  });

  it('a worker killed with SIGKILL is replaced, and the server answers all the while', async () => {
    const health = () => freshRequest(baseUrl, '/healthz');
    const [victim, survivor] = [...workersOf(await fromBothWorkers(health))] as [number, number];
    process.kill(victim, 'SIGKILL');
    // Gone once the primary has reaped it, and with that taken it out of the turns.
    await pollUntil(() => (isRunning(victim) ? undefined : true), {
      what: 'the killed worker to go',
      timeoutMs: 5_000,
    });
    const answers: Answer[] = [];
    const replacement = await pollUntil(
      async () => {
        const answer = await health();
        answers.push(answer);
        return answer.worker !== survivor ? answer.worker : undefined;
      },
      { what: 'a replacement worker to answer', timeoutMs: 60_000, intervalMs: 50 },
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    expect(answers.length).toBeGreaterThan(1); // the survivor answered while the replacement started
    expect(replacement).not.toBe(victim);
    const ready = await pollUntil(
      async () => {
        const answer = await freshRequest(baseUrl, '/readyz');
        return answer.body.workers?.ready === 2 ? answer : undefined;
      },
      { what: '/readyz to count two workers again', timeoutMs: 10_000 },
    );
    expect(ready.body.workers).toEqual({ ready: 2, wanted: 2 });
  }, 90_000);

  it('SIGTERM as soon as the server listens, while the other worker starts: the server exits 0', async () => {
    for (let round = 0; round < 3; round++) {
      const starting = await spawnServer(database.location, ['--workers', '2', '--log-level', 'warn']);
      starting.signal('SIGTERM');
      expect(await starting.exited).toEqual({ code: 0, signal: null });
      expect(starting.output()).not.toMatch(/Error/);
    }
  }, 90_000);

  it('SIGTERM to the primary drains every worker: in-flight exports finish whole, then nothing is left', async () => {
    await padCompanyNames(database.location, NAME_PADDING);
    const token = await tokenOf(baseUrl, await newRoot());
    const exportBody = { ...searchBody({ pageSize: EXPORT_ROWS }), exportType: 'CSV' };
    const opened: Awaited<ReturnType<typeof postJson>>[] = [];
    while (new Set(opened.map(({ response }) => response.headers['x-lapse-worker'])).size < 2) {
      if (opened.length >= 6) throw new Error('six exports, all on one worker');
      const next = await postJson(baseUrl, '/api/companies/search/export', exportBody, {
        authorization: `Bearer ${token}`,
      });
      if (next.response.statusCode !== 200)
        throw new Error(`export: ${next.response.statusCode} ${await readRest(next.response)}`);
      opened.push(next);
    }
    const workers = [...new Set(opened.map(({ response }) => Number(response.headers['x-lapse-worker'])))];
    server.signal('SIGTERM');
    // The exports are read while the server drains, as their clients would: one left unread meanwhile is a stalled
    // client, which the drain's grace period is right to cut off.
    const bodies = opened.map(({ response }) => readRest(response));
    await pollUntil(
      () =>
        freshRequest(baseUrl, '/healthz').then(
          () => undefined,
          () => true,
        ),
      { what: 'new connections to be refused after SIGTERM', timeoutMs: 10_000 },
    );
    for (const body of bodies) {
      const csv = await body;
      assertCsvHeaderRow(csv);
      expect(csv.toString('utf8').split('\r\n').length - 2).toBe(EXPORT_ROWS);
    }
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(workers.filter(isRunning)).toEqual([]);
    expect(existsSync(`/proc/${server.pid}`)).toBe(false);
  }, 90_000);
});

describe.each(DATABASE_KINDS)('lapse serve --workers 2 on a new %s database', (kind) => {
  let database: TestDatabase;
  let server: ServerProcess | undefined;
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('the workers open it once the primary has made its schema and first key: one key, the same in both', async () => {
    database = await createTestDatabase(kind);
    server = await spawnServer(database.location, ['--workers', '2', '--worker-header', '--log-level', 'warn']);
    const baseUrl = server.baseUrl;
    await pollUntil(
      async () => ((await freshRequest(baseUrl, '/readyz')).body.workers?.ready === 2 ? true : undefined),
      { what: 'both workers to listen', timeoutMs: 30_000 },
    );
    const answers = await fromBothWorkers(() => freshRequest<{ keys: { kid: string }[] }>(baseUrl, JWKS_PATH));
    const keySets = new Set(answers.map((answer) => JSON.stringify(answer.body.keys.map((key) => key.kid))));
    expect(keySets.size).toBe(1);
    expect(answers[0]?.body.keys).toHaveLength(1);
  }, 90_000);
});
