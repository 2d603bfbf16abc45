// `npm run bench -- soak`: 60 s of mixed token, search and export traffic at 50 connections on 1,000,000
// companies, on SQLite and on PostgreSQL. Requests/s, p50/p99, errors, and the server's RSS at start (after a
// warm-up) and at the end. Targets: zero 5xx, zero failed requests, RSS growth ≤ 10% in each process.
import { setTimeout as sleep } from 'node:timers/promises';
import { autoWorkerCount } from '../src/server/cluster/worker-count.js';
import { runSoak, type SoakResult } from '../test/support/soak-traffic.js';
import {
  type BenchDatabase,
  benchDatabase,
  fetchToken,
  limitsAbove,
  startLapseServer,
  withPostgresCopy,
} from './fixtures.js';
import { rssByProcessMb, totalRssMb, treeRssMb } from './measure-process.js';
import { fmt, markdownTable, writeSection } from './report.js';

const COMPANIES = Number(process.env.LAPSE_BENCH_COMPANIES ?? 1_000_000);
const SECONDS = Number(process.env.LAPSE_SOAK_SECONDS ?? 60);
// Long enough for the caches (pages, credentials, verified tokens) to reach their working size first.
const WARMUP_SECONDS = 15;
const CONNECTIONS = 50;
/** Seconds without traffic before RSS is read at the start and at the end, so both readings are of a settled process. */
const SETTLE_SECONDS = 10;
const DATABASES = (process.env.LAPSE_SOAK_DATABASES ?? 'sqlite,postgres').split(',');

interface SoakRun {
  database: string;
  result: SoakResult;
  rssStartMb: number;
  rssEndMb: number;
  rssPeakMb: number;
  /**
   * The largest growth of one process (primary or worker) between the settled readings: a sum over processes
   * dilutes one process's growth in the others' memory.
   */
  processGrowth: number;
}

/** The RSS of each of the server's processes (primary and workers) after SETTLE_SECONDS without traffic. */
async function settledRssMb(pid: number): Promise<Map<number, number>> {
  await sleep(SETTLE_SECONDS * 1000);
  return rssByProcessMb(pid);
}

/** The largest relative growth of a process present at both readings (a replaced worker would be a new pid). */
function largestGrowth(start: Map<number, number>, end: Map<number, number>): number {
  let largest = Number.NEGATIVE_INFINITY;
  for (const [pid, startMb] of start) {
    const endMb = end.get(pid);
    if (endMb !== undefined) largest = Math.max(largest, (endMb - startMb) / startMb);
  }
  return largest;
}

/** Samples the server's processes' RSS every second until stopped (for the peak). */
function sampleRss(pid: number) {
  const samples: number[] = [];
  const timer = setInterval(() => {
    treeRssMb(pid).then(
      (mb) => samples.push(mb),
      () => undefined,
    );
  }, 1000);
  return {
    stop() {
      clearInterval(timer);
      return samples;
    },
  };
}

async function soak(bench: BenchDatabase, database: string, label: string): Promise<SoakRun> {
  // One credential and one address on every connection, any of which may be exporting or asking for a token (each
  // token attempt holds a failure-budget token until its secret is checked): the export and failed-token limits are
  // raised to the connection count (for each worker the server starts as shipped), so the soak measures the
  // traffic rather than the limits.
  const server = await startLapseServer(database, limitsAbove(CONNECTIONS, autoWorkerCount()));
  try {
    const token = await fetchToken(server.baseUrl, bench.reseller);
    const options = {
      baseUrl: server.baseUrl,
      credential: bench.reseller,
      token,
      today: bench.today,
      connections: CONNECTIONS,
    };
    await runSoak({ ...options, seconds: WARMUP_SECONDS });
    // Under load RSS swings by tens of MiB with the garbage collector's cycle; read at the same settled point
    // at both ends, a difference is memory the run kept.
    const rssStart = await settledRssMb(server.pid);
    const sampler = sampleRss(server.pid);
    const result = await runSoak({ ...options, seconds: SECONDS });
    const samples = sampler.stop();
    const rssEnd = await settledRssMb(server.pid);
    return {
      database: label,
      result,
      rssStartMb: totalRssMb(rssStart),
      rssEndMb: totalRssMb(rssEnd),
      rssPeakMb: Math.max(totalRssMb(rssEnd), ...samples),
      processGrowth: largestGrowth(rssStart, rssEnd),
    };
  } finally {
    await server.stop();
  }
}

function row(run: SoakRun): (string | number)[] {
  const { result } = run;
  const fiveHundreds = Object.entries(result.statusCounts)
    .filter(([status]) => Number(status) >= 500)
    .reduce((sum, [, count]) => sum + count, 0);
  const growth = (run.rssEndMb - run.rssStartMb) / run.rssStartMb;
  const isOk =
    fiveHundreds === 0 &&
    result.errors === 0 &&
    result.timeouts === 0 &&
    result.non2xx === 0 &&
    run.processGrowth <= 0.1;
  return [
    run.database,
    result.requests,
    fmt(result.requestsPerSecond, 0),
    result.p50,
    result.p99,
    fiveHundreds,
    result.non2xx,
    result.errors + result.timeouts,
    fmt(run.rssStartMb, 0),
    fmt(run.rssEndMb, 0),
    fmt(run.rssPeakMb, 0),
    `${fmt(growth * 100, 1)}%`,
    `${fmt(run.processGrowth * 100, 1)}%`,
    isOk ? '✅' : '❌',
  ];
}

export async function main(): Promise<void> {
  const bench = await benchDatabase(COMPANIES);
  const runs: SoakRun[] = [];
  if (DATABASES.includes('sqlite')) runs.push(await soak(bench, bench.file, 'SQLite'));
  if (DATABASES.includes('postgres')) {
    runs.push((await withPostgresCopy(bench, (url, name) => soak(bench, url, name))).result);
  }
  const body = [
    `${SECONDS} s after a ${WARMUP_SECONDS} s warm-up, ${CONNECTIONS} connections (autocannon), ${COMPANIES.toLocaleString('en-US')} companies; each connection cycles through ten requests: one token request, then expired pages of 100 by renewal date, text-search pages and CSV exports of 500 expired companies — as a reseller with ~1,000 companies, the server's export and failed-token limits raised to ${CONNECTIONS} (the server's export total to that many for each worker). The server runs as shipped (a primary and a worker per core) in processes of its own; the RSS of all of them together is read from /proc after ${SETTLE_SECONDS} s without traffic once the warm-up has ended (start) and once the run has ended (end), and every second of the run (peak); the columns sum the processes (pages they share count in each), and the growth target (≤ 10%) holds for each process on its own.`,
    '',
    markdownTable(
      [
        'database',
        'requests',
        'req/s',
        'p50 ms',
        'p99 ms',
        '5xx',
        'non-2xx',
        'errors',
        'RSS start MiB',
        'RSS end MiB',
        'RSS peak MiB',
        'RSS growth',
        'largest growth of one process',
        'targets',
      ],
      runs.map(row),
    ),
  ].join('\n');
  process.stdout.write(`${body}\n`);
  await writeSection('soak', 'npm run bench -- soak', body);
}
