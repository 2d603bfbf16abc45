// contract §5 over real HTTP: PostgreSQL writes its CSV export itself (one COPY of the export's query), and the
// bytes are those the SQLite server writes in the server for the same rows, hostile texts and edge days included.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { foldText } from '../src/server/db/index.js';
import { checkedBytes, fetchToken } from './support/api.js';
import { PINNED_NOW_MS, PINNED_TODAY, PINNED_TODAY_START_MS } from './support/pinned-clock.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/** Every start a spreadsheet runs, every character CSV quotes, and text beyond ASCII. */
const HOSTILE_TEXTS = [
  '=SUM(A1:A9)',
  '+1',
  '-2',
  '@cmd',
  '\tTabbed',
  '\rReturn',
  'semi;colon',
  'comma, inside',
  'quote "q" end',
  'line\nbreak',
  'crlf\r\nend',
  'a,=b;"+c',
  ';=x',
  ',-y',
  '"=z"',
  'Crème brûlée 🚀 ünïcödé',
  "'already quoted'",
  '\\back\\slash\\N',
  'tab\tinside',
  ' leading space',
];

const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
/** Renewal instants around what a day's text and "expired" turn on. */
const EDGE_INSTANTS = [
  null,
  day('0000-03-01'),
  Date.parse('9999-12-31T23:59:59.999Z'),
  -1,
  -86_400_000,
  0,
  PINNED_TODAY_START_MS - 1,
  PINNED_TODAY_START_MS,
];

const TAG_LISTS = [[], ['=x', 'a;b'], ['q"t', 'ü'], ['-1'], ['a, b', '\n'], ['plain']];

/** The same hostile values into the same seeded companies of either database. */
async function makeHostile(server: TestServer): Promise<void> {
  const companies = await server.storage.db
    .selectFrom('companies')
    .select('id')
    .where('parent_id', 'is not', null)
    .orderBy('resource_id')
    .limit(HOSTILE_TEXTS.length * 2)
    .execute();
  for (const [index, { id }] of companies.entries()) {
    const text = (offset: number) => HOSTILE_TEXTS[(index + offset) % HOSTILE_TEXTS.length] as string;
    const tags = TAG_LISTS[index % TAG_LISTS.length] as string[];
    await server.storage.db
      .updateTable('companies')
      .set({
        name: text(0),
        name_folded: foldText(text(0)),
        reseller_name: index % 5 === 0 ? null : text(3),
        industry_name: index % 3 === 0 ? null : text(7),
        license_type_name: text(11),
        tags: JSON.stringify(tags),
        is_number_of_users_limited: index % 2,
        number_of_users: index * 7,
        license_end_at: EDGE_INSTANTS[index % EDGE_INSTANTS.length] ?? null,
        created_at: EDGE_INSTANTS[(index + 1) % EDGE_INSTANTS.length] ?? 0,
      })
      .where('id', '=', id)
      .execute();
  }
}

async function exportBytes(server: TestServer, token: string, body: Record<string, unknown>): Promise<Buffer> {
  const response = await fetch(`${server.baseUrl}/api/companies/search/export`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ pageNumber: 1, pageSize: 1000, ascending: true, exportType: 'CSV', ...body }),
  });
  expect(response.status).toBe(200);
  return checkedBytes('POST', '/api/companies/search/export', response);
}

const EXPORTS = {
  'every company by name': { orderBy: 'CompanyName', reportAllPages: true },
  'every company by reseller, descending': { orderBy: 'ResellerName', ascending: false, reportAllPages: true },
  'the expired by renewal date': {
    orderBy: 'RenewalDate',
    reportAllPages: true,
    filter: { FilterGroups: [{ FilterItems: [{ FieldName: 'LicenseEndDate', Operator: '<', Value: PINNED_TODAY }] }] },
  },
  'page 3 of 7 by licence type': { orderBy: 'LicenseTypeName', pageNumber: 3, pageSize: 7 },
  'a text search': { orderBy: 'CompanyName', reportAllPages: true, filter: { SearchInputTextValue: 'e' } },
  'nothing at all': {
    orderBy: 'CompanyName',
    reportAllPages: true,
    filter: { FilterGroups: [{ FilterItems: [{ FieldName: 'CompanyName', Operator: '=', Value: 'no such name' }] }] },
  },
} satisfies Record<string, Record<string, unknown>>;

describe('the CSV export of PostgreSQL and of SQLite', () => {
  let sqlite: TestServer;
  let postgres: TestServer;
  let tokens: { sqlite: string; postgres: string };

  beforeAll(async () => {
    const options = { companies: 300, seed: 11, today: PINNED_TODAY, now: () => PINNED_NOW_MS };
    [sqlite, postgres] = await Promise.all([
      startTestServer({ ...options, kind: 'sqlite' }),
      startTestServer({ ...options, kind: 'postgres' }),
    ]);
    await Promise.all([makeHostile(sqlite), makeHostile(postgres)]);
    tokens = {
      sqlite: await fetchToken(sqlite.baseUrl, sqlite.credentials.root),
      postgres: await fetchToken(postgres.baseUrl, postgres.credentials.root),
    };
  });
  afterAll(() => Promise.all([sqlite?.close(), postgres?.close()]));

  // The run's own cluster writes its log where the test can read it; an external server's log is out of reach.
  it.skipIf(inject('postgresCluster') === null)('is written by PostgreSQL, in one COPY of the query', async () => {
    const cluster = inject('postgresCluster');
    const marker = `copy-marker-${process.pid}-${Date.now()}`;
    const client = new pg.Client({ connectionString: inject('postgresAdminUrl') });
    await client.connect();
    try {
      const database = new URL(postgres.databaseLocation).pathname.slice(1);
      // Export connections open after this and log every statement; the marker finds this export's.
      await client.query(`alter database ${database} set log_min_duration_statement = 0`);
    } finally {
      await client.end();
    }
    const body = {
      orderBy: 'CompanyName',
      reportAllPages: true,
      filter: { FilterGroups: [{ FilterItems: [{ FieldName: 'CompanyName', Operator: '!=', Value: marker }] }] },
    };
    const [fromPostgres, fromSqlite] = await Promise.all([
      exportBytes(postgres, tokens.postgres, body),
      exportBytes(sqlite, tokens.sqlite, body),
    ]);
    expect(fromPostgres.equals(fromSqlite)).toBe(true);
    const log = await readFile(join(cluster?.rootDir ?? '', 'server.log'), 'utf8');
    // The count runs with the marker as a bound parameter (a DETAIL line); the rows' statement holds it written in.
    const statements = log.split('\n').filter((line) => line.includes(marker) && !line.includes('DETAIL:'));
    expect(statements.length).toBeGreaterThan(0);
    const copies = /statement: copy \(select .* to stdout with \(format binary\)$/i;
    expect(statements.filter((line) => !copies.test(line))).toEqual([]);
  });

  it.each(Object.entries(EXPORTS))('holds the same bytes on both: %s', async (_name, body) => {
    const [fromSqlite, fromPostgres] = await Promise.all([
      exportBytes(sqlite, tokens.sqlite, body),
      exportBytes(postgres, tokens.postgres, body),
    ]);
    // As text first, so a difference shows where it is.
    expect(fromPostgres.toString('utf8')).toBe(fromSqlite.toString('utf8'));
    expect(fromPostgres.equals(fromSqlite)).toBe(true);
    expect(fromSqlite.length).toBeGreaterThan(100);
  });

  it('carries every hostile text and edge day into the file', async () => {
    const text = (await exportBytes(postgres, tokens.postgres, EXPORTS['every company by name'])).toString('utf8');
    expect(text).toContain(`"a,'=b;'""+c"`);
    expect(text).toContain("'=SUM(A1:A9)");
    expect(text).toContain('0000-03-01');
    expect(text).toContain('9999-12-31');
    expect(text).toContain('1969-12-31');
    expect(text).toContain('Crème brûlée 🚀 ünïcödé');
    expect(text).toContain('Unlimited');
  });
});
