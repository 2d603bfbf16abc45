// `npm run bench -- search`: a page of 100 expired companies ordered by renewal date, for the platform root and
// for a reseller with ~1,000 companies, over HTTP next to the same SQL through better-sqlite3; then searches/s at
// 50 connections next to a bare Fastify route returning the same bytes.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { selectOrderedRows } from '../src/server/companies/search-query.js';
import {
  type BenchCredential,
  type BenchDatabase,
  benchDatabase,
  fetchToken,
  ROOT_DIR,
  type ServerProcess,
  startLapseServer,
  startProcess,
} from './fixtures.js';
import { type Latency, measureLatency, measureThroughput, postOnce, type Throughput } from './http-timing.js';
import { directCountAndPage, expiredPageBody } from './queries.js';
import { fmt, markdownTable, sqlTargetCell, writeSection } from './report.js';

const COMPANIES = Number(process.env.LAPSE_BENCH_COMPANIES ?? 1_000_000);
const SAMPLES = 300;
const LOAD_SECONDS = 10;

/** The server's two statements (count, page) for this caller, compiled once, run straight on better-sqlite3. */
function directQuery(bench: BenchDatabase, credential: BenchCredential, role: 'Root' | 'Reseller') {
  return directCountAndPage(bench.file, { credential, role }, expiredPageBody(bench.today), bench.today, (db, query) =>
    selectOrderedRows(db, query).limit(100).offset(0),
  );
}

interface Measured {
  label: string;
  total: number;
  uncached: Latency;
  cached: Latency;
  sql: Latency;
}

async function measureCaller(
  bench: BenchDatabase,
  servers: { cold: ServerProcess; warm: ServerProcess },
  credential: BenchCredential,
  role: 'Root' | 'Reseller',
  label: string,
) {
  const body = JSON.stringify(expiredPageBody(bench.today));
  const latency = async (server: ServerProcess) => {
    const headers = { authorization: `Bearer ${await fetchToken(server.baseUrl, credential)}` };
    const url = `${server.baseUrl}/api/companies/search`;
    const sample = await postOnce(url, body, headers);
    if (sample.status !== 200) throw new Error(`search answered ${sample.status}: ${sample.bytes}`);
    return { sample, headers, latency: await measureLatency(() => postOnce(url, body, headers), SAMPLES) };
  };
  const uncached = await latency(servers.cold);
  const cached = await latency(servers.warm);
  const direct = await directQuery(bench, credential, role);
  const sql = await measureLatency(direct.run, SAMPLES);
  direct.close();
  const total = (JSON.parse(uncached.sample.bytes.toString()) as { data: { totalNumberOfRecords: number } }).data
    .totalNumberOfRecords;
  const measured: Measured = { label, total, uncached: uncached.latency, cached: cached.latency, sql };
  return { measured, bytes: uncached.sample.bytes, headers: cached.headers };
}

function latencyRow({ label, total, uncached, cached, sql }: Measured): (string | number)[] {
  const timings = [uncached.p50, uncached.p99, cached.p50, sql.p50, sql.p99].map((ms) => fmt(ms));
  return [label, total, ...timings, sqlTargetCell(uncached.p50, sql.p50)];
}

export async function runSearchBench(): Promise<string> {
  const bench = await benchDatabase(COMPANIES);
  const body = JSON.stringify(expiredPageBody(bench.today));
  // Two servers on the same file: one computing every page (--search-cache 0), one as shipped.
  const cold = await startLapseServer(bench.file, ['--search-cache', '0']);
  const warm = await startLapseServer(bench.file);
  try {
    const root = await measureCaller(bench, { cold, warm }, bench.root, 'Root', 'platform root (Root)');
    const reseller = await measureCaller(
      bench,
      { cold, warm },
      bench.reseller,
      'Reseller',
      'reseller with ~1,000 companies',
    );
    const load = (server: ServerProcess) =>
      measureThroughput(`${server.baseUrl}/api/companies/search`, body, reseller.headers, LOAD_SECONDS);
    const cachedLoad = await load(warm);
    const uncachedLoad = await load(cold);
    await Promise.all([cold.stop(), warm.stop()]);
    const bytesFile = join(ROOT_DIR, 'bench', '.bare-response.json');
    await writeFile(bytesFile, reseller.bytes);
    const bare = await startProcess(['--import', 'tsx', join(ROOT_DIR, 'bench', 'bare-server.ts'), bytesFile]);
    const baseline = await load(bare);
    await bare.stop();
    const ratio = cachedLoad.requestsPerSecond / baseline.requestsPerSecond;
    const loadRow = (name: string, result: Throughput) => [
      name,
      fmt(result.requestsPerSecond, 0),
      `${fmt((result.requestsPerSecond / baseline.requestsPerSecond) * 100, 1)}%`,
      result.p50,
      result.p99,
      result.non2xx,
      result.errors,
    ];
    return [
      `${COMPANIES.toLocaleString('en-US')} companies (seed 1), SQLite. Latency: ${SAMPLES} sequential requests after 20 warm-up, one keep-alive connection. "Uncached" is a server started with \`--search-cache 0\` (every request reads and serialises its page; the totals, counted once, are reused while the data is unchanged); "cached" is the default server answering a repeated search while the data is unchanged. The direct query is the server's own count + page SQL, prepared once, on better-sqlite3 in the benchmark process.`,
      '',
      markdownTable(
        [
          'caller',
          'expired rows',
          'HTTP p50 ms uncached',
          'HTTP p99 ms uncached',
          'HTTP p50 ms cached',
          'SQL p50 ms',
          'SQL p99 ms',
          'target uncached p50 ≤ 3×SQL+1 ms',
        ],
        [latencyRow(root.measured), latencyRow(reseller.measured)],
      ),
      '',
      `Throughput, ${LOAD_SECONDS} s at 50 connections (autocannon in the benchmark process), the reseller's page of 100 expired companies (${reseller.bytes.length.toLocaleString('en-US')} bytes):`,
      '',
      markdownTable(
        ['server', 'requests/s', 'of bare route', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
        [
          loadRow('lapse serve, as shipped (repeated search served from the page cache)', cachedLoad),
          loadRow('lapse serve --search-cache 0 (auth + page + JSON every time; totals reused)', uncachedLoad),
          loadRow('bare Fastify route, same bytes', baseline),
        ],
      ),
      '',
      `Ratio: ${fmt(ratio * 100, 1)}% of the bare route (target ≥ 40%) ${ratio >= 0.4 ? '✅' : '❌'}`,
    ].join('\n');
  } finally {
    await Promise.all([cold.stop(), warm.stop()]);
  }
}

export async function main(): Promise<void> {
  const body = await runSearchBench();
  process.stdout.write(`${body}\n`);
  await writeSection('search', 'npm run bench -- search', body);
}
