// The soak at a reduced size and time (the full one is `npm run bench -- soak`): mixed token, search and export
// traffic must produce no 5xx and no failed request, on both databases.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fetchToken } from './support/api.js';
import { DATABASE_KINDS } from './support/databases.js';
import { runSoak } from './support/soak-traffic.js';
import { startTestServer, type TestServer } from './support/test-server.js';

describe.each(DATABASE_KINDS)('reduced soak on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 2000 });
  });
  afterAll(() => server.close());

  test('6 s of mixed traffic at 10 connections: every request succeeds', async () => {
    const credential = server.credentials.reseller;
    const token = await fetchToken(server.baseUrl, credential);
    const result = await runSoak({
      baseUrl: server.baseUrl,
      credential,
      token,
      today: server.seed.today,
      seconds: 6,
      connections: 10,
    });
    expect(result.requests).toBeGreaterThan(50);
    expect(result.errors + result.timeouts).toBe(0);
    expect(Object.keys(result.statusCounts)).toEqual(['200']);
  });
});
