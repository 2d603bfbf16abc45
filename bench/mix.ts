// `npm run bench -- mix`: realistic traffic that no cache can flatten (bench/mix-workload.ts) against the shipped
// server with its caches on, at one worker and at one per core, on SQLite and PostgreSQL; beside it the floor —
// the same requests' queries and response bytes run back to back in one process on the same database, no HTTP.
// Targets: N workers ≥ 1.7× one worker; one worker ≥ 60% of the floor; SQLite p99 ≤ 100 ms; no errors, no 5xx.
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { dayStartUtc } from '../src/contract/index.js';
import { resolveScope } from '../src/server/companies/scope.js';
import { openStorage } from '../src/server/db/storage.js';
import {
  addCredential,
  type BenchCredential,
  type BenchDatabase,
  benchDatabase,
  fetchToken,
  limitsAbove,
  startLapseServer,
  withPostgresCopy,
} from './fixtures.js';
import { cpuSharesBetween, cpuSnapshot, treeRssMb } from './measure-process.js';
import {
  answerInProcess,
  BUSIEST_RESELLERS,
  type KindLatency,
  type MixRequest,
  type MixTraffic,
  mixRequests,
  sendMix,
} from './mix-workload.js';
import { callerFor } from './queries.js';
import { fmt, markdownTable, writeSection } from './report.js';
import { type PlanScope, subtreePlanTable } from './subtree-plans.js';

const COMPANIES = Number(process.env.LAPSE_BENCH_COMPANIES ?? 1_000_000);
const SECONDS = Number(process.env.LAPSE_MIX_SECONDS ?? 30);
// Long enough for the caches and every worker's connections to reach their working size; its requests come from
// another seed, so the measured run does not start on pages the warm-up cached.
const WARMUP_SECONDS = Number(process.env.LAPSE_MIX_WARMUP_SECONDS ?? 10);
const CONNECTIONS = 50;
const RESELLERS = 20;
/** A client renews its token when it is this old: 20 resellers renew a few times in a run. */
const TOKEN_SECONDS = 10;
/** More requests than any run gets through, so no run wraps round to requests it already sent. */
const REQUEST_COUNT = 400_000;
const MANY_WORKERS = Math.min(8, availableParallelism());
const WORKER_COUNTS = (process.env.LAPSE_MIX_WORKERS ?? `1,${MANY_WORKERS}`).split(',').map(Number);
const DATABASES = (process.env.LAPSE_MIX_DATABASES ?? 'sqlite,postgres').split(',');

interface MixReseller extends BenchCredential {
  descendantCount: number;
}

/**
 * How many companies sit below each company that has any, from the tree's paths (`/a/b/c/`): every company
 * counts once for each of its ancestors.
 */
async function descendantCounts(file: string): Promise<Map<string, number>> {
  const storage = await openStorage(file);
  try {
    const rows = await storage.db.selectFrom('companies').select(['path']).execute();
    const counts = new Map<string, number>();
    for (const { path } of rows) {
      const ids = path.split('/').filter((id) => id !== '');
      for (const ancestor of ids.slice(0, -1)) counts.set(ancestor, (counts.get(ancestor) ?? 0) + 1);
    }
    return counts;
  } finally {
    await storage.close();
  }
}

/**
 * 20 resellers of sizes spread evenly on a log scale from the smallest company with customers to the largest
 * below the root, each with a credential of its own (kept beside the file).
 */
async function mixResellers(bench: BenchDatabase): Promise<MixReseller[]> {
  const meta = `${bench.file}.mix.json`;
  if (existsSync(meta)) return JSON.parse(await readFile(meta, 'utf8')) as MixReseller[];
  const candidates = [...(await descendantCounts(bench.file))]
    .filter(([resourceId]) => resourceId !== bench.seed.rootResourceId)
    .sort((a, b) => a[1] - b[1]);
  const smallest = Math.log(candidates[0]?.[1] ?? 1);
  const largest = Math.log(candidates.at(-1)?.[1] ?? 1);
  const resellers: MixReseller[] = [];
  const taken = new Set<string>();
  for (let index = 0; index < RESELLERS; index++) {
    const wanted = Math.exp(smallest + ((largest - smallest) * index) / (RESELLERS - 1));
    const nearest = candidates
      .filter(([resourceId]) => !taken.has(resourceId))
      .reduce((best, candidate) => (Math.abs(candidate[1] - wanted) < Math.abs(best[1] - wanted) ? candidate : best));
    taken.add(nearest[0]);
    const credential = await addCredential(bench.file, nearest[0], 'Reseller');
    resellers.push({ ...credential, descendantCount: nearest[1] });
  }
  await writeFile(meta, JSON.stringify(resellers));
  return resellers;
}

interface FloorResult {
  requests: number;
  requestsPerSecond: number;
}

/** The floor: the requests' own queries and bytes (searchPageBody, withExportFile), one after another, no HTTP. */
async function floor(
  database: string,
  resellers: readonly MixReseller[],
  requests: readonly MixRequest[],
  today: string,
): Promise<FloorResult> {
  const storage = await openStorage(database);
  try {
    const scopes = await Promise.all(
      resellers.map(async (credential) =>
        resolveScope(storage.db, await callerFor(storage, credential, 'Reseller'), undefined),
      ),
    );
    const todayStartMs = dayStartUtc(today);
    const discard = () => new Writable({ write: (_chunk, _encoding, done) => done() });
    const run = async (seconds: number) => {
      const started = performance.now();
      let done = 0;
      while (performance.now() - started < seconds * 1000) {
        const request = requests[done % requests.length] as MixRequest;
        const scope = scopes[request.reseller];
        if (!scope) throw new Error('no scope for the reseller');
        await answerInProcess(storage, scope, request, todayStartMs, discard());
        done++;
      }
      return { requests: done, requestsPerSecond: done / ((performance.now() - started) / 1000) };
    };
    await run(Math.min(WARMUP_SECONDS, 5));
    return await run(SECONDS);
  } finally {
    await storage.close();
  }
}

interface ServerRun {
  workers: number;
  traffic: MixTraffic;
  peakRssMb: number;
  /** % of one core over the run: the server's processes, the load generator (this process), all the rest. */
  cpu: ReturnType<typeof cpuSharesBetween>;
}

async function serverRun(
  database: string,
  workers: number,
  resellers: readonly MixReseller[],
  requests: readonly MixRequest[],
  warmup: readonly MixRequest[],
): Promise<ServerRun> {
  const server = await startLapseServer(database, [
    ...['--workers', String(workers)],
    ...limitsAbove(CONNECTIONS, workers),
  ]);
  try {
    const tokens: string[] = [];
    for (const credential of resellers) tokens.push(await fetchToken(server.baseUrl, credential));
    const options = {
      baseUrl: server.baseUrl,
      resellers,
      tokens,
      connections: CONNECTIONS,
      tokenSeconds: TOKEN_SECONDS,
    };
    await sendMix({ ...options, requests: warmup, seconds: WARMUP_SECONDS });
    let peakRssMb = 0;
    const sampler = setInterval(() => {
      treeRssMb(server.pid).then(
        (mb) => {
          peakRssMb = Math.max(peakRssMb, mb);
        },
        () => undefined,
      );
    }, 500);
    try {
      const before = await cpuSnapshot(server.pid);
      const traffic = await sendMix({ ...options, requests, seconds: SECONDS });
      const cpu = cpuSharesBetween(before, await cpuSnapshot(server.pid));
      return { workers, traffic, peakRssMb, cpu };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await server.stop();
    // The port and the database's locks are free again before the next run starts.
    await sleep(500);
  }
}

interface DatabaseRuns {
  label: string;
  floor: FloorResult;
  runs: ServerRun[];
}

async function measure(
  database: string,
  label: string,
  resellers: readonly MixReseller[],
  today: string,
): Promise<DatabaseRuns> {
  const requests = mixRequests({ count: REQUEST_COUNT, resellerSizes: resellers.map((r) => r.descendantCount), today });
  const warmup = mixRequests({
    count: REQUEST_COUNT,
    resellerSizes: resellers.map((r) => r.descendantCount),
    today,
    seed: 1,
  });
  process.stderr.write(`${label}: floor…\n`);
  const floorResult = await floor(database, resellers, requests, today);
  const runs: ServerRun[] = [];
  for (const workers of WORKER_COUNTS) {
    process.stderr.write(`${label}: --workers ${workers}…\n`);
    const run = await serverRun(database, workers, resellers, requests, warmup);
    process.stderr.write(`${JSON.stringify(run)}\n`);
    runs.push(run);
  }
  return { label, floor: floorResult, runs };
}

function fiveHundreds(traffic: MixTraffic): number {
  return Object.entries(traffic.failures)
    .filter(([status]) => Number(status) >= 500)
    .reduce((sum, [, count]) => sum + count, 0);
}

function kindRowsOf(measured: DatabaseRuns): (string | number)[][] {
  const cells = ({ count, p50, p99 }: KindLatency) => [count, `${fmt(p50, 0)} · ${fmt(p99, 0)}`];
  const share = ({ count, p50, p99 }: KindLatency, of: number) =>
    `${fmt((100 * count) / of, 0)}% · ${fmt(p50, 0)} · ${fmt(p99, 0)}`;
  return measured.runs.map(({ workers, traffic: { byKind, searchesOfBusiest, searchesOfOthers } }) => [
    measured.label,
    `--workers ${workers}`,
    ...cells(byKind.search),
    share(searchesOfBusiest, byKind.search.count),
    share(searchesOfOthers, byKind.search.count),
    ...cells(byKind.export),
    ...cells(byKind.token),
  ]);
}

function rowsOf(measured: DatabaseRuns): (string | number)[][] {
  const one = measured.runs.find((run) => run.workers === 1);
  const rows: (string | number)[][] = [
    [measured.label, 'floor (in-process)', fmt(measured.floor.requestsPerSecond, 0), '', '', '', '', '', '', '', ''],
  ];
  for (const run of measured.runs) {
    const { traffic } = run;
    const failed = Object.values(traffic.failures).reduce((sum, count) => sum + count, 0);
    const errors = failed + traffic.errors + traffic.timeouts;
    const targets: string[] = [];
    if (errors === 0 && fiveHundreds(traffic) === 0) targets.push('0 errors ✅');
    else targets.push('0 errors ❌');
    if (run.workers === 1) {
      const share = traffic.requestsPerSecond / measured.floor.requestsPerSecond;
      targets.push(`≥ 60% of floor ${share >= 0.6 ? '✅' : '❌'}`);
    } else if (one) {
      const ratio = traffic.requestsPerSecond / one.traffic.requestsPerSecond;
      targets.push(`≥ 1.7× one worker ${ratio >= 1.7 ? '✅' : '❌'}`);
    }
    if (measured.label === 'SQLite') targets.push(`p99 ≤ 100 ms ${traffic.p99 <= 100 ? '✅' : '❌'}`);
    rows.push([
      measured.label,
      `--workers ${run.workers}`,
      fmt(traffic.requestsPerSecond, 0),
      `${fmt((100 * traffic.requestsPerSecond) / measured.floor.requestsPerSecond, 0)}%`,
      one && run !== one ? `${fmt(traffic.requestsPerSecond / one.traffic.requestsPerSecond)}×` : '',
      traffic.p50,
      traffic.p99,
      [
        errors,
        ...Object.entries(traffic.failures).map(([status, count]) => `${count}×${status}`),
        ...(traffic.errors + traffic.timeouts > 0 ? [`${traffic.errors + traffic.timeouts} no answer`] : []),
      ].join(' '),
      traffic.tokenRequests,
      [run.cpu.server, run.cpu.loadGenerator, run.cpu.rest].map((share) => fmt(share, 0)).join(' · '),
      `${fmt(run.peakRssMb, 0)} · ${targets.join(', ')}`,
    ]);
  }
  return rows;
}

/** The scopes the plan table times: the smallest, a middling and the largest reseller, and the whole table. */
function planScopes(bench: BenchDatabase, resellers: readonly MixReseller[]): PlanScope[] {
  const bySize = [...resellers].sort((a, b) => a.descendantCount - b.descendantCount);
  const picked = [bySize[0], bySize[Math.floor(bySize.length / 2)], bySize.at(-1)].filter(
    (reseller, index, all): reseller is MixReseller => reseller !== undefined && all.indexOf(reseller) === index,
  );
  return [
    ...picked.map((reseller) => ({
      label: `reseller of ${reseller.descendantCount.toLocaleString('en-US')}`,
      resourceId: reseller.companyResourceId,
      includesRoot: false,
    })),
    { label: 'root company (every company)', resourceId: bench.seed.rootResourceId, includesRoot: true },
  ];
}

export async function main(): Promise<void> {
  const bench = await benchDatabase(COMPANIES);
  const resellers = await mixResellers(bench);
  const measured: DatabaseRuns[] = [];
  let planTable: string | undefined;
  if (DATABASES.includes('sqlite')) {
    process.stderr.write('SQLite: subtree plans…\n');
    planTable = await subtreePlanTable(bench.file, bench.today, planScopes(bench, resellers));
    measured.push(await measure(bench.file, 'SQLite', resellers, bench.today));
  }
  if (DATABASES.includes('postgres')) {
    const copy = await withPostgresCopy(bench, (url) => measure(url, 'PostgreSQL', resellers, bench.today));
    measured.push(copy.result);
  }
  const sizes = resellers.map((reseller) => reseller.descendantCount);
  const body = [
    `${COMPANIES.toLocaleString('en-US')} companies; ${resellers.length} resellers of ${Math.min(...sizes).toLocaleString('en-US')} to ${Math.max(...sizes).toLocaleString('en-US')} companies (spread on a log scale over the companies with customers below them), each with a credential of its own. One fixed pseudo-random order of requests (bench/mix-workload.ts): the expired, renewing-within-30-days and over-limit views and two- to four-letter text searches, pages 1–20 (early pages likelier), page sizes 10–1,000, one request in 100 an export of the whole view (every fourth Excel, the rest CSV); larger resellers ask more often. ${CONNECTIONS} connections (autocannon), ${SECONDS} s after a ${WARMUP_SECONDS} s warm-up on requests from another seed; a reseller's token is renewed through /connect/token when it is ${TOKEN_SECONDS} s old (the token requests column). The server runs with its caches on, the export and failed-token limits raised to ${CONNECTIONS} (the server's export total to that many for each worker) and the rate limit off. CPU is read from /proc over the ${SECONDS} s: the server's processes, the benchmark process that sends the load, and the rest of the machine (PostgreSQL's processes, when it is the database). Peak RSS is of the server's whole process tree (primary and workers), sampled every 0.5 s.`,
    '',
    `The floor is what one core does with no HTTP: the same requests, in the same order, through the server's own page and export code (searchPageBody, withExportFile) run back to back in one process on the same database, no caches, ${SECONDS} s after a short warm-up; token requests are not part of it.`,
    '',
    markdownTable(
      [
        'database',
        'server',
        'req/s',
        'of floor',
        'vs one worker',
        'p50 ms',
        'p99 ms',
        'failed',
        'token requests',
        `CPU % of a core: server · load generator · the rest (of ${availableParallelism() * 100})`,
        'peak RSS MiB · targets',
      ],
      measured.flatMap(rowsOf),
    ),
    '',
    `Latency by what was asked, in ms from each request being set up to its response, as the load generator sees it (requests answered in the run). The search gate gives a freed turn to the client with the fewest queries running (SECURITY.md, "Search queries"), so the resellers that ask most wait most: their searches are shown apart from the others' (share of all searches · p50 · p99).`,
    '',
    markdownTable(
      [
        'database',
        'server',
        'searches',
        'search p50 · p99',
        `searches of the ${BUSIEST_RESELLERS} busiest resellers · p50 · p99`,
        'searches of the others · p50 · p99',
        'exports',
        'export p50 · p99',
        'tokens',
        'token p50 · p99',
      ],
      measured.flatMap(kindRowsOf),
    ),
    ...(planTable
      ? [
          '',
          "SQLite's subtree plans (src/server/db/dialects/sqlite-subtree-plan.ts), in-process: one page of each view (the mix's own requests, count and page through searchPageBody) per scope, on a read-only connection with and without the hint, median of the same pages; \"changed\" where the hint changes SQLite's plan.",
          '',
          planTable,
        ]
      : []),
  ].join('\n');
  process.stdout.write(`${body}\n`);
  await writeSection('mix', 'npm run bench -- mix', body);
}
