// `npm run bench -- search`: a page of 100 expired companies ordered by renewal date, for the platform root and
// for a reseller with ~1,000 companies, over HTTP next to the same SQL through better-sqlite3; then searches/s at
// 50 connections next to a bare Fastify route returning the same bytes.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { dayStartUtc } from '../src/contract/index.js';
import { resolveScope } from '../src/server/companies/scope.js';
import { countQuery, parseCompanyQuery, selectOrderedRows } from '../src/server/companies/search-query.js';
import { openStorage } from '../src/server/db/storage.js';
import {
  type BenchCredential,
  type BenchDatabase,
  benchDatabase,
  fetchToken,
  ROOT_DIR,
  startLapseServer,
  startProcess,
} from './fixtures.js';
import { measureLatency, measureThroughput, postOnce } from './http-timing.js';
import { callerFor, expiredPageBody } from './queries.js';
import { fmt, markdownTable, writeSection } from './report.js';

const COMPANIES = Number(process.env.LAPSE_BENCH_COMPANIES ?? 1_000_000);
const SAMPLES = 300;
const LOAD_SECONDS = 10;

/** The server's two statements (count, page) for this caller, compiled once, run straight on better-sqlite3. */
async function directQuery(bench: BenchDatabase, credential: BenchCredential, role: 'Root' | 'Reseller') {
  const storage = await openStorage(bench.file);
  try {
    const scope = await resolveScope(storage.db, await callerFor(storage, credential, role), undefined);
    const query = parseCompanyQuery(expiredPageBody(bench.today), scope, dayStartUtc(bench.today));
    const countSql = countQuery(storage.db, query).compile();
    const pageSql = selectOrderedRows(storage.db, query).limit(100).offset(0).compile();
    const db = new Database(bench.file, { readonly: true });
    const countStatement = db.prepare(countSql.sql);
    const pageStatement = db.prepare(pageSql.sql);
    return {
      run: () => {
        countStatement.get(...(countSql.parameters as unknown[]));
        return pageStatement.all(...(pageSql.parameters as unknown[]));
      },
      close: () => db.close(),
    };
  } finally {
    await storage.close();
  }
}

export async function runSearchBench(): Promise<string> {
  const bench = await benchDatabase(COMPANIES);
  const server = await startLapseServer(bench.file);
  const body = JSON.stringify(expiredPageBody(bench.today));
  const url = `${server.baseUrl}/api/companies/search`;
  const rows: (string | number)[][] = [];
  let bareBytes: Buffer | undefined;
  let resellerToken = '';
  try {
    for (const [label, credential, role] of [
      ['platform root (Root)', bench.root, 'Root'],
      ['reseller with ~1,000 companies', bench.reseller, 'Reseller'],
    ] as const) {
      const token = await fetchToken(server.baseUrl, credential);
      const headers = { authorization: `Bearer ${token}` };
      const sample = await postOnce(url, body, headers);
      if (sample.status !== 200) throw new Error(`search answered ${sample.status}: ${sample.bytes}`);
      const total = (JSON.parse(sample.bytes.toString()) as { data: { totalNumberOfRecords: number } }).data
        .totalNumberOfRecords;
      const http = await measureLatency(() => postOnce(url, body, headers), SAMPLES);
      const direct = await directQuery(bench, credential, role);
      const sql = await measureLatency(direct.run, SAMPLES);
      direct.close();
      const target = 3 * sql.p50 + 1;
      rows.push([
        label,
        total,
        fmt(http.p50),
        fmt(http.p99),
        fmt(sql.p50),
        fmt(sql.p99),
        `${fmt(http.p50 / sql.p50)}×`,
        `${fmt(target)} ${http.p50 <= target ? '✅' : '❌'}`,
      ]);
      if (role === 'Reseller') {
        bareBytes = sample.bytes;
        resellerToken = token;
      }
    }
    const loadHeaders = { authorization: `Bearer ${resellerToken}` };
    const search = await measureThroughput(url, body, loadHeaders, LOAD_SECONDS);
    await server.stop();
    const bytesFile = join(ROOT_DIR, 'bench', '.bare-response.json');
    await writeFile(bytesFile, bareBytes ?? '');
    const bare = await startProcess(['--import', 'tsx', join(ROOT_DIR, 'bench', 'bare-server.ts'), bytesFile]);
    const baseline = await measureThroughput(`${bare.baseUrl}/api/companies/search`, body, loadHeaders, LOAD_SECONDS);
    await bare.stop();
    const ratio = search.requestsPerSecond / baseline.requestsPerSecond;
    return [
      `${COMPANIES.toLocaleString('en-US')} companies (seed 1), SQLite. Latency: ${SAMPLES} sequential requests after 20 warm-up, one keep-alive connection; the direct query is the server's own count + page SQL, prepared once, on better-sqlite3 in the benchmark process.`,
      '',
      markdownTable(
        [
          'caller',
          'expired rows',
          'HTTP p50 ms',
          'HTTP p99 ms',
          'SQL p50 ms',
          'SQL p99 ms',
          'HTTP/SQL',
          'target p50 ≤ 3×SQL+1 ms',
        ],
        rows,
      ),
      '',
      `Throughput, ${LOAD_SECONDS} s at 50 connections (autocannon), reseller's page of 100 expired companies (${(bareBytes?.length ?? 0).toLocaleString('en-US')} bytes):`,
      '',
      markdownTable(
        ['server', 'requests/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
        [
          [
            'lapse serve (auth + count + page + JSON)',
            fmt(search.requestsPerSecond, 0),
            search.p50,
            search.p99,
            search.non2xx,
            search.errors,
          ],
          [
            'bare Fastify route, same bytes',
            fmt(baseline.requestsPerSecond, 0),
            baseline.p50,
            baseline.p99,
            baseline.non2xx,
            baseline.errors,
          ],
        ],
      ),
      '',
      `Ratio: ${fmt(ratio * 100, 1)}% of the bare route (target ≥ 40%) ${ratio >= 0.4 ? '✅' : '❌'}`,
    ].join('\n');
  } finally {
    await server.stop();
  }
}

export async function main(): Promise<void> {
  const body = await runSearchBench();
  process.stdout.write(`${body}\n`);
  await writeSection('search', 'npm run bench -- search', body);
}
