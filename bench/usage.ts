// `npm run bench -- usage`: the billing question "monthly active users in a month". A search page of 1,000 companies
// with `MonthlyActiveUser` (the month before today's), for a reseller with ~1,000 companies and for the platform
// root, over HTTP next to the server's own count + page SQL on better-sqlite3; then the month's total as a client
// gets it (every page of the search, summed by hand, by `client.monthlyUsage` and by the `lapse usage` process)
// next to one SUM in SQL over the same scope, on the same file. LAPSE_BENCH_COMPANIES is N.
import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createClient } from '../src/client/index.js';
import { monthOf, shiftMonth } from '../src/contract/index.js';
import { pageOfRows } from '../src/server/companies/search-page.js';
import { subtreeRange } from '../src/server/db/tree-path.js';
import {
  type BenchCredential,
  type BenchDatabase,
  benchDatabase,
  fetchToken,
  ROOT_DIR,
  startLapseServer,
} from './fixtures.js';
import { type Latency, measureLatency, postOnce } from './http-timing.js';
import { directCountAndPage } from './queries.js';
import { fmt, markdownTable, sqlTargetCell, writeSection } from './report.js';

const COMPANIES = Number(process.env.LAPSE_BENCH_COMPANIES ?? 1_000_000);
const SAMPLES = 200;
const PAGE_SIZE = 1000;

/** The page; without a month, the same page of the current month (the control: what the month lookup adds). */
function usagePageBody(month: string | null, pageNumber = 1) {
  const items = month === null ? [] : [{ FieldName: 'MonthlyActiveUser', Operator: '=', Value: month }];
  return {
    pageNumber,
    pageSize: PAGE_SIZE,
    orderBy: 'CompanyName',
    ascending: true,
    filter: { FilterGroups: [{ FilterItems: items }] },
  };
}

interface Caller {
  label: string;
  credential: BenchCredential;
  role: 'Root' | 'Reseller';
}

/** The server's statements for the page (count, page rows with the month's count), compiled once. */
function directPage(bench: BenchDatabase, caller: Caller, month: string) {
  return directCountAndPage(bench.file, caller, usagePageBody(month), bench.today, (db, query) =>
    pageOfRows(db, query, { pageNumber: 1, pageSize: PAGE_SIZE }).select([
      'companies.resource_id',
      'companies.monthly_active_user_count',
    ]),
  );
}

/** The month's total over the subtree at `path` (every company when null), as one SUM. */
function sqlSum(file: string, path: string | null, month: string) {
  const db = new Database(file, { readonly: true });
  const join = 'from companies c join monthly_usage u on u.company_id = c.id and u.month = ?';
  const statement =
    path === null
      ? db.prepare(`select coalesce(sum(u.active_user_count), 0) as total ${join}`)
      : db.prepare(`select coalesce(sum(u.active_user_count), 0) as total ${join} where c.path > ? and c.path < ?`);
  const range = path === null ? [] : [subtreeRange(path).after, subtreeRange(path).before];
  return {
    run: () => Number((statement.get(month, ...range) as { total: number }).total),
    close: () => db.close(),
  };
}

/** `lapse usage --format json` as its own process against the server: wall time and the total it printed. */
function runLapseUsage(baseUrl: string, credential: BenchCredential, month: string) {
  const env = {
    PATH: process.env.PATH ?? '',
    LAPSE_BASE_URL: baseUrl,
    LAPSE_CLIENT_ID: credential.clientId,
    LAPSE_CLIENT_SECRET: credential.clientSecret,
  };
  const args = [join(ROOT_DIR, 'bin', 'lapse.js'), 'usage', '--month', month, '--format', 'json'];
  const started = performance.now();
  return new Promise<{ ms: number; total: number }>((resolve, reject) => {
    execFile(process.execPath, args, { env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      if (error) return reject(error);
      resolve({ ms: performance.now() - started, total: (JSON.parse(stdout) as { total: number }).total });
    });
  });
}

/** `client.monthlyUsage` in this process: its month check and every page. */
async function timeMonthlyUsage(baseUrl: string, credential: BenchCredential, month: string) {
  const client = createClient({ baseUrl, clientId: credential.clientId, clientSecret: credential.clientSecret });
  await client.whoami(); // the token, so only the call is timed
  const started = performance.now();
  const usage = await client.monthlyUsage({ month });
  return { ms: performance.now() - started, total: usage.total, companies: usage.companies };
}

interface Measured {
  label: string;
  records: number;
  http: Latency;
  currentMonth: Latency;
  sql: Latency;
  pagedTotal: number;
  pagedMs: number;
  sumTotal: number;
  sum: Latency;
  sdk: { ms: number; total: number; companies: number };
  cli: { ms: number; total: number };
}

async function measure(bench: BenchDatabase, baseUrl: string, caller: Caller, month: string): Promise<Measured> {
  const headers = { authorization: `Bearer ${await fetchToken(baseUrl, caller.credential)}` };
  const url = `${baseUrl}/api/companies/search`;
  const body = JSON.stringify(usagePageBody(month));
  const first = await postOnce(url, body, headers);
  if (first.status !== 200) throw new Error(`search answered ${first.status}: ${first.bytes}`);
  // The control first, so the month's page is not the one measured on a colder server.
  const currentBody = JSON.stringify(usagePageBody(null));
  const currentMonth = await measureLatency(() => postOnce(url, currentBody, headers), SAMPLES);
  const http = await measureLatency(() => postOnce(url, body, headers), SAMPLES);
  const direct = await directPage(bench, caller, month);
  const sql = await measureLatency(direct.run, SAMPLES);
  direct.close();
  // The client's way: every page of the search, each company's count summed.
  const started = performance.now();
  let pagedTotal = 0;
  let records = 0;
  for (let pageNumber = 1; ; pageNumber++) {
    const page = await postOnce(url, JSON.stringify(usagePageBody(month, pageNumber)), headers);
    const data = (JSON.parse(page.bytes.toString()) as { data: PageData }).data;
    records = data.totalNumberOfRecords;
    for (const company of data.results) pagedTotal += company.monthlyActiveUserCount;
    if (pageNumber >= data.totalNumberOfPages) break;
  }
  const pagedMs = performance.now() - started;
  const summed = sqlSum(bench.file, direct.scope.path, month);
  const sumTotal = summed.run();
  const sum = await measureLatency(summed.run, 20, 2);
  summed.close();
  const sdk = await timeMonthlyUsage(baseUrl, caller.credential, month);
  const cli = await runLapseUsage(baseUrl, caller.credential, month);
  return { label: caller.label, records, http, currentMonth, sql, pagedTotal, pagedMs, sumTotal, sum, sdk, cli };
}

interface PageData {
  totalNumberOfRecords: number;
  totalNumberOfPages: number;
  results: { monthlyActiveUserCount: number }[];
}

function latencyRow({ label, records, http, currentMonth, sql }: Measured) {
  const timings = [http.p50, http.p99, currentMonth.p50, sql.p50].map((ms) => fmt(ms));
  return [label, records, ...timings, sqlTargetCell(http.p50, sql.p50)];
}

function totalRow({ label, pagedTotal, pagedMs, sumTotal, sum }: Measured) {
  return [label, pagedTotal, fmt(pagedMs, 0), sumTotal, fmt(sum.p50), pagedTotal === sumTotal ? '✅' : '❌'];
}

function lapseUsageRow({ label, sdk, cli, sumTotal, sum }: Measured) {
  const isEqual = sdk.total === sumTotal && cli.total === sumTotal;
  const ratio = (ms: number) => `${fmt(ms / sum.p50, 1)}×`;
  return [
    label,
    sdk.companies,
    sdk.total,
    fmt(sdk.ms, 0),
    ratio(sdk.ms),
    fmt(cli.ms, 0),
    ratio(cli.ms),
    fmt(sum.p50),
    isEqual ? '✅' : '❌',
  ];
}

export async function main(): Promise<void> {
  const bench = await benchDatabase(COMPANIES);
  const month = shiftMonth(monthOf(bench.today), -1);
  // Every request computes its page (--search-cache 0): a billing script asks each page once.
  const server = await startLapseServer(bench.file, ['--search-cache', '0']);
  try {
    const callers: Caller[] = [
      { label: 'reseller with ~1,000 companies', credential: bench.reseller, role: 'Reseller' },
      { label: 'platform root (Root)', credential: bench.root, role: 'Root' },
    ];
    const measured: Measured[] = [];
    for (const caller of callers) measured.push(await measure(bench, server.baseUrl, caller, month));
    const body = [
      `${COMPANIES.toLocaleString('en-US')} companies (seed 1, ${month} the month asked for), SQLite. A page is ${PAGE_SIZE} companies by name with \`MonthlyActiveUser = "${month}"\`; ${SAMPLES} sequential requests after 20 warm-up on one keep-alive connection, to a server started with \`--search-cache 0\`; "no month" is the same page without \`MonthlyActiveUser\` (the current month, no lookup). Load average (1, 5, 15 min) at the end of the run: ${loadavg()
        .map((load) => load.toFixed(1))
        .join(
          ', ',
        )}. "SQL" is the server's own count + page statements for that body, prepared once, on better-sqlite3 in the benchmark process.`,
      '',
      markdownTable(
        [
          'caller',
          'companies',
          'HTTP p50 ms',
          'HTTP p99 ms',
          'HTTP p50 ms, no month',
          'SQL p50 ms',
          'target HTTP p50 ≤ 3×SQL+1 ms',
        ],
        measured.map(latencyRow),
      ),
      '',
      `The month's total: every page of that search summed (what \`client.monthlyUsage\` and a vendor script do), next to one \`SUM\` of the month's counts joined to the companies in the same scope (p50 of 20).`,
      '',
      markdownTable(
        ['caller', 'total from the pages', 'all pages ms', 'SUM in SQL', 'SUM p50 ms', 'equal'],
        measured.map(totalRow),
      ),
      '',
      `\`client.monthlyUsage({ month })\` in the benchmark process (its month check, two one-row searches, then every page of ${PAGE_SIZE}, summed with the subtotals per reseller and licence type), and \`lapse usage --month ${month} --format json\` as a process of its own (start-up, token and output included), next to the same \`SUM\`; one run each.`,
      '',
      markdownTable(
        [
          'caller',
          'companies',
          'total',
          'SDK ms',
          'SDK / SUM',
          '`lapse usage` ms',
          '`lapse usage` / SUM',
          'SUM p50 ms',
          'equal',
        ],
        measured.map(lapseUsageRow),
      ),
    ].join('\n');
    process.stdout.write(`${body}\n`);
    await writeSection('usage', 'npm run bench -- usage', body);
  } finally {
    await server.stop();
  }
}
