// `npm run bench -- fairness`: does one caller's heavy work slow the others? On each database, a reseller's
// search page timed on an idle server and again while a CSV export of every company is read at full speed; then
// the server's resident memory with 50 exports whose clients never read. Size: LAPSE_BENCH_FAIRNESS_COMPANIES
// (else LAPSE_BENCH_COMPANIES, else 1,000,000).
import type { Socket } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { stalledExport } from '../test/support/stalled-export.js';
import { type BenchDatabase, benchDatabase, fetchToken, startLapseServer, withPostgresCopy } from './fixtures.js';
import { measureLatency, postOnce } from './http-timing.js';
import { currentRssMb, peakRssMb, timedDownload } from './measure-process.js';
import { EVERY_COMPANY_BODY, expiredPageBody } from './queries.js';
import { fmt, markdownTable, percentile, writeSection } from './report.js';

const COMPANIES = Number(process.env.LAPSE_BENCH_FAIRNESS_COMPANIES ?? process.env.LAPSE_BENCH_COMPANIES ?? 1_000_000);
const IDLE_SAMPLES = 200;
const cpuCount = () => availableParallelism();
const STALLED = 50;
const RSS_TARGET_MIB = 400;
/** How long the stalled exports are left before RSS is read: they have filled their socket buffers by then. */
const STALL_SETTLE_MS = 5000;

interface DatabaseResult {
  name: string;
  idle: { p50: number; p99: number };
  during: { p50: number; p99: number; samples: number };
  exportSeconds: number;
  exportRows: number;
  stalledRssMib: number;
  stalledPeakMib: number;
  stalledAccepted: number;
}

/** The reseller's page, timed one request after another until `isRunning()` turns false. */
async function latencyWhile(isRunning: () => boolean, search: () => Promise<unknown>) {
  const times: number[] = [];
  while (isRunning()) {
    const started = performance.now();
    await search();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), samples: times.length };
}

async function searchDuringExport(bench: BenchDatabase, location: string) {
  // No page cache: every search is a query, as a new search would be.
  const server = await startLapseServer(location, ['--search-cache', '0']);
  try {
    const searchToken = await fetchToken(server.baseUrl, bench.reseller);
    const rootToken = await fetchToken(server.baseUrl, bench.root);
    const body = JSON.stringify(expiredPageBody(bench.today));
    const headers = { authorization: `Bearer ${searchToken}` };
    const search = async () => {
      const answer = await postOnce(`${server.baseUrl}/api/companies/search`, body, headers);
      if (answer.status !== 200) throw new Error(`search answered ${answer.status}`);
    };
    const idle = await measureLatency(search, IDLE_SAMPLES);
    let isExporting = true;
    const exported = timedDownload(
      `${server.baseUrl}/api/companies/search/export`,
      { ...EVERY_COMPANY_BODY, exportType: 'CSV' },
      rootToken,
    ).finally(() => {
      isExporting = false;
    });
    const during = await latencyWhile(() => isExporting, search);
    const download = await exported;
    if (download.status !== 200) throw new Error(`export answered ${download.status}`);
    return { idle, during, exportSeconds: download.seconds, exportRows: download.totalCount };
  } finally {
    await server.stop();
  }
}

async function memoryWithStalledExports(bench: BenchDatabase, location: string) {
  const limit = String(STALLED);
  // One process, so that its RSS is the memory the stalled exports hold (with workers, the pid is the primary's).
  const server = await startLapseServer(location, [
    ...['--exports-per-client', limit, '--exports-total', limit, '--workers', '1'],
  ]);
  const sockets: Socket[] = [];
  try {
    const token = await fetchToken(server.baseUrl, bench.root);
    const opened = await Promise.all(
      Array.from({ length: STALLED }, () => stalledExport(server.baseUrl, token, 120_000)),
    );
    sockets.push(...opened.map((stalled) => stalled.socket));
    await new Promise((resolve) => setTimeout(resolve, STALL_SETTLE_MS));
    return {
      stalledRssMib: await currentRssMb(server.pid),
      stalledPeakMib: await peakRssMb(server.pid),
      stalledAccepted: opened.filter((stalled) => stalled.status === 200).length,
    };
  } finally {
    for (const socket of sockets) socket.destroy();
    await server.stop();
  }
}

async function measure(name: string, bench: BenchDatabase, location: string): Promise<DatabaseResult> {
  process.stderr.write(`${name}: search while exporting…\n`);
  const searched = await searchDuringExport(bench, location);
  process.stderr.write(`${name}: ${STALLED} stalled exports…\n`);
  return { name, ...searched, ...(await memoryWithStalledExports(bench, location)) };
}

export async function main(): Promise<void> {
  const loadAtStart = loadavg()[0] ?? Number.NaN;
  const bench = await benchDatabase(COMPANIES);
  const results = [await measure('SQLite', bench, bench.file)];
  const { result } = await withPostgresCopy(bench, (url) => measure('PostgreSQL', bench, url));
  results.push(result);
  const searchRows = results.map((r) => {
    const target = 2 * r.idle.p99 + 5;
    return [
      r.name,
      fmt(r.idle.p50),
      fmt(r.idle.p99),
      fmt(r.during.p50),
      fmt(r.during.p99),
      r.during.samples,
      `${fmt(r.exportSeconds)} s, ${r.exportRows} rows`,
      `${fmt(target)} ${r.during.p99 <= target ? '✅' : '❌'}`,
    ];
  });
  const memoryRows = results.map((r) => [
    r.name,
    `${r.stalledAccepted} of ${STALLED}`,
    fmt(r.stalledRssMib, 0),
    fmt(r.stalledPeakMib, 0),
    `${RSS_TARGET_MIB} ${r.stalledPeakMib <= RSS_TARGET_MIB ? '✅' : '❌'}`,
  ]);
  const body = [
    `${COMPANIES.toLocaleString('en-US')} companies (seed 1); the server in its own process (\`lapse serve --search-cache 0\`, so every search is a query; PostgreSQL: the tree copied into a throwaway cluster). Search: the page of 100 expired companies of a reseller with ~1,000, one request after another on one keep-alive connection: ${IDLE_SAMPLES} on an idle server after 20 warm-up, then as many as fit while a CSV export of every company (root credential) is read at full speed by the benchmark process.`,
    '',
    markdownTable(
      [
        'database',
        'idle p50 ms',
        'idle p99 ms',
        'during p50 ms',
        'during p99 ms',
        'samples during',
        'export',
        'target p99 during ≤ 2×idle p99 + 5 ms',
      ],
      searchRows,
    ),
    '',
    `Load average (1 min) when the run started: ${fmt(loadAtStart, 1)} on ${cpuCount()} cores; a shared machine's other work shows in every column, idle included.`,
    '',
    `${STALLED} CSV exports of every company whose clients read only the first bytes (\`--exports-per-client ${STALLED} --exports-total ${STALLED} --workers 1\`), RSS read ${STALL_SETTLE_MS / 1000} s after they all started:`,
    '',
    markdownTable(['database', 'exports streaming', 'RSS MiB', 'peak RSS MiB', 'target peak ≤ MiB'], memoryRows),
  ].join('\n');
  process.stdout.write(`${body}\n`);
  await writeSection('fairness', 'npm run bench -- fairness', body);
}
