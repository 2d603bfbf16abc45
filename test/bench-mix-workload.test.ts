// The `mix` benchmark's floor must do the server's work, not less: every kind of request in the mix, answered
// over real HTTP by the server, gives the same bytes as answerInProcess gives for it (the floor's code), and
// the server accepts every request the workload makes.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answerInProcess, type MixRequest, mixRequests } from '../bench/mix-workload.js';
import { callerFor } from '../bench/queries.js';
import { dayStartUtc } from '../src/contract/index.js';
import { resolveScope, type Scope } from '../src/server/companies/scope.js';
import { checkedBytes, fetchToken } from './support/api.js';
import { DATABASE_KINDS } from './support/databases.js';
import { PINNED_NOW_MS, PINNED_TODAY } from './support/pinned-clock.js';
import { startTestServer, type TestServer } from './support/test-server.js';

function collected(): { sink: Writable; bytes: () => Buffer } {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      chunks.push(chunk);
      done();
    },
  });
  return { sink, bytes: () => Buffer.concat(chunks) };
}

/** A few of each kind the workload makes: every view as a search, and CSV and Excel exports. */
function sampleOfEveryKind(requests: readonly MixRequest[]): MixRequest[] {
  const kinds = new Map<string, MixRequest[]>();
  for (const request of requests) {
    const exportType = (request.body as { exportType?: string }).exportType ?? 'page';
    const key = `${request.view} ${exportType}`;
    const list = kinds.get(key) ?? [];
    if (list.length < 3) list.push(request);
    kinds.set(key, list);
  }
  return [...kinds.values()].flat();
}

describe.each(DATABASE_KINDS)('the mix benchmark on %s', (kind) => {
  let server: TestServer;
  let token: string;
  let scope: Scope;
  const requests = mixRequests({ count: 4000, resellerSizes: [1], today: PINNED_TODAY });

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 1500, today: PINNED_TODAY, now: () => PINNED_NOW_MS });
    token = await fetchToken(server.baseUrl, server.credentials.reseller);
    const caller = await callerFor(server.storage, server.credentials.reseller, 'Reseller');
    scope = await resolveScope(server.storage.db, caller, undefined);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('makes every view as pages and exports, in the same order each time', () => {
    const kinds = new Set(sampleOfEveryKind(requests).map((r) => `${r.view} ${r.path}`));
    for (const view of ['expired', 'renewing', 'over-limit', 'text']) {
      expect(kinds).toContain(`${view} /api/companies/search`);
    }
    expect(requests.some((r) => (r.body as { exportType?: string }).exportType === 'Excel')).toBe(true);
    expect(requests.some((r) => (r.body as { exportType?: string }).exportType === 'CSV')).toBe(true);
    expect(mixRequests({ count: 4000, resellerSizes: [1], today: PINNED_TODAY })).toEqual(requests);
  });

  it('answers each request in-process with the bytes the server sends', async () => {
    const sample = sampleOfEveryKind(requests);
    let nonEmpty = 0;
    for (const request of sample) {
      const response = await fetch(`${server.baseUrl}${request.path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(request.body),
      });
      const overHttp = await checkedBytes('POST', request.path, response);
      expect(response.status, JSON.stringify(request.body)).toBe(200);
      const inProcess = collected();
      await answerInProcess(server.storage, scope, request, dayStartUtc(PINNED_TODAY), inProcess.sink);
      if ((request.body as { exportType?: string }).exportType === 'Excel') {
        // A workbook's zip entries carry their own times; its size is what the work wrote.
        expect(Math.abs(inProcess.bytes().length - overHttp.length)).toBeLessThan(64);
      } else {
        expect(inProcess.bytes().toString('utf8')).toBe(overHttp.toString('utf8'));
      }
      if (overHttp.length > 200) nonEmpty++;
    }
    expect(nonEmpty).toBeGreaterThan(sample.length / 2);
  });
});
