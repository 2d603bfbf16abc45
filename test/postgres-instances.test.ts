// contract §7 and the scaling story: two server instances on one PostgreSQL database accept each other's tokens,
// share rate limits (not N × the limit), and answer search and export identically.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callApi, checkedBytes, fetchToken, searchBody } from './support/api.js';
import { PINNED_NOW_MS, PINNED_TODAY } from './support/pinned-clock.js';
import { type OtherInstance, startOtherInstance, startTestServer, type TestServer } from './support/test-server.js';

const RATE_LIMIT_PER_MINUTE = 8;

describe('two instances on one PostgreSQL database', () => {
  let first: TestServer;
  let second: OtherInstance;
  let secondUrl: string;

  beforeAll(async () => {
    const shared = { rateLimitPerMinute: RATE_LIMIT_PER_MINUTE, now: () => PINNED_NOW_MS };
    first = await startTestServer({ kind: 'postgres', companies: 300, today: PINNED_TODAY, ...shared });
    second = await startOtherInstance(first, shared);
    secondUrl = second.baseUrl;
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });

  it('a token issued by one instance is accepted by the other, and both answer the same search', async () => {
    const token = await fetchToken(first.baseUrl, first.credentials.root);
    const body = searchBody({ pageSize: 50, orderBy: 'RenewalDate' });
    const fromFirst = await callApi(first.baseUrl, '/api/companies/search', { token, body });
    const fromSecond = await callApi(secondUrl, '/api/companies/search', { token, body });
    expect(fromFirst.status).toBe(200);
    expect(fromSecond.status).toBe(200);
    expect(fromSecond.body).toEqual(fromFirst.body);
  });

  it('both export the same bytes', async () => {
    const token = await fetchToken(secondUrl, first.credentials.reseller);
    const exportFrom = async (baseUrl: string) => {
      const response = await fetch(`${baseUrl}/api/companies/search/export`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(searchBody({ exportType: 'CSV', reportAllPages: true })),
      });
      expect(response.status).toBe(200);
      return checkedBytes('POST', '/api/companies/search/export', response);
    };
    const [a, b] = [await exportFrom(first.baseUrl), await exportFrom(secondUrl)];
    expect(a.length).toBeGreaterThan(1000);
    expect(b.equals(a)).toBe(true);
  });

  it('the rate limit holds across instances: the bucket is shared, not one per instance', async () => {
    const token = await fetchToken(first.baseUrl, first.credentials.subReseller); // takes one token itself
    const statuses: number[] = [];
    for (let call = 0; call < 2 * RATE_LIMIT_PER_MINUTE; call++) {
      const baseUrl = call % 2 === 0 ? first.baseUrl : secondUrl;
      const response = await callApi(baseUrl, '/api/companies/search', { token, body: searchBody({ pageSize: 1 }) });
      statuses.push(response.status);
      if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // One shared bucket of 8: the token request and 7 searches pass, then every further call is refused.
    expect(statuses.filter((status) => status === 200).length).toBe(RATE_LIMIT_PER_MINUTE - 1);
    expect(statuses.slice(RATE_LIMIT_PER_MINUTE - 1).every((status) => status === 429)).toBe(true);
  });
});
