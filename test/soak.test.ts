// The soak at a reduced size and time (the full one is `npm run bench -- soak`): mixed token, search and export
// traffic must produce no 5xx and no failed request, on both databases.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fetchToken } from './support/api.js';
import { DATABASE_KINDS } from './support/databases.js';
import { runSoak } from './support/soak-traffic.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const CONNECTIONS = 10;

describe.each(DATABASE_KINDS)('reduced soak on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    // Every connection is the same credential from one address, and any of them may be exporting or asking for a
    // token: the export and failed-token limits are raised to the connection count so that the soak measures the
    // mixed traffic itself (the limits have tests of their own).
    const limits = { exportsPerClient: CONNECTIONS, exportsTotal: CONNECTIONS, failedTokenLimitPerMinute: CONNECTIONS };
    server = await startTestServer({ kind, companies: 2000, config: limits });
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
      connections: CONNECTIONS,
    });
    expect(result.requests).toBeGreaterThan(50);
    expect(result.errors + result.timeouts).toBe(0);
    expect(Object.keys(result.statusCounts)).toEqual(['200']);
  });
});
