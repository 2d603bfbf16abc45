// One client's searches sent at once wait for their turns rather than being refused (SECURITY.md, "Search
// queries"): 50 concurrent searches, each needing its page and its totals, are all answered 200 by a one-process
// `lapse serve` with the default bounds; past a line set short with `--search-queue`, the client's extra searches
// are a 429 RATE_LIMITED with `Retry-After: 1` in the envelope, never a 500, and another client sending a search in
// the same moment is answered. Over real HTTP, on both databases.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SERVICE_STATUS } from '../src/contract/index.js';
import { callApi, fetchToken, searchBody } from './support/api.js';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/databases.js';
import {
  createCredential,
  type SeededDatabase,
  type ServerProcess,
  seedWithRoot,
  spawnServer,
} from './support/server-process.js';

const COMPANIES = 2_000;
/** A common pool size for one client's HTTP connections, and what `npm run bench -- search` opens. */
const AT_ONCE = 50;

describe.each(DATABASE_KINDS)('one client’s concurrent searches on %s', (kind) => {
  let database: TestDatabase;
  let seeded: SeededDatabase;
  let server: ServerProcess | undefined;
  const newToken = async (baseUrl: string) =>
    fetchToken(baseUrl, await createCredential(database.location, seeded.seed.rootResourceId, 'Root'));
  /**
   * `count` searches at once, each with a filter of its own (more users than its own number), so that neither
   * its page nor its totals can be served from a cache or shared: each needs two queries.
   */
  const burst = (baseUrl: string, token: string, count: number) =>
    Promise.all(
      Array.from({ length: count }, (_, index) =>
        callApi(baseUrl, '/api/companies/search', {
          token,
          body: searchBody({
            pageSize: 5,
            filter: {
              Condition: 'AND',
              FilterGroups: [
                {
                  Condition: 'AND',
                  FilterItems: [{ FieldName: 'TargetUserCount', Operator: '>', Value: String(index) }],
                },
              ],
            },
          }),
        }),
      ),
    );

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    seeded = await seedWithRoot(database.location, COMPANIES);
  }, 120_000);
  afterEach(() => server?.stop());
  afterAll(() => database?.drop());

  it(`answers ${AT_ONCE} at once, every one 200, with the default bounds`, async () => {
    server = await spawnServer(database.location, ['--search-cache', '0']);
    const token = await newToken(server.baseUrl);
    for (let round = 0; round < 3; round++) {
      const answers = await burst(server.baseUrl, token, AT_ONCE);
      const statuses = answers.map((answer) => answer.status);
      expect(
        statuses,
        `round ${round}: ${JSON.stringify(answers.find((answer) => answer.status !== 200)?.body)}`,
      ).toEqual(statuses.map(() => 200));
      for (const answer of answers) expect(answer.body.data.totalNumberOfRecords).toBeGreaterThan(0);
    }
  });

  it('refuses past a short --search-queue with 429 and Retry-After, and still answers another client', async () => {
    server = await spawnServer(database.location, ['--search-cache', '0', '--search-queue', '2']);
    const busy = await newToken(server.baseUrl);
    const other = await newToken(server.baseUrl);
    const [answers, otherAnswer] = await Promise.all([
      burst(server.baseUrl, busy, AT_ONCE),
      callApi(server.baseUrl, '/api/companies/search', { token: other, body: searchBody({ pageSize: 5 }) }),
    ]);
    expect(otherAnswer.status).toBe(200);
    const refused = answers.filter((answer) => answer.status !== 200);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.length).toBeLessThan(AT_ONCE);
    for (const answer of refused) {
      expect(answer.status).toBe(429);
      expect(answer.headers.get('retry-after')).toBe('1');
      expect(answer.body).toMatchObject({ data: null, status: SERVICE_STATUS.RATE_LIMITED, validationMessages: null });
    }
  });
});
