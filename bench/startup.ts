// `npm run bench -- startup`: time to first answered search. `lapse serve` is started on the seeded SQLite file
// (LAPSE_BENCH_STARTUP_COMPANIES, default 1,000,000) and timed from the spawn to its listening line, to its first
// token, and to its first search page (the root's expired companies by renewal date, every row counted). Each
// run is a fresh process; the file is in the OS page cache from the runs before.
import { join } from 'node:path';
import { benchDatabase, fetchToken, ROOT_DIR, startLapseServer } from './fixtures.js';
import { postOnce } from './http-timing.js';
import { expiredPageBody } from './queries.js';
import { fmt, markdownTable, writeSection } from './report.js';

const COMPANIES = Number(process.env.LAPSE_BENCH_STARTUP_COMPANIES ?? 1_000_000);
const RUNS = 5;
const TARGET_MS = 1000;

/** The compiled modules unbundled: what the installed command ran before it was one module. */
const UNBUNDLED_ENTRY = join(ROOT_DIR, 'dist', 'src', 'cli', 'main.js');

async function startOnce(file: string, today: string, credential: Parameters<typeof fetchToken>[1], entry?: string) {
  const started = performance.now();
  // Timed to the first answer, which the first worker to listen gives.
  const server = await startLapseServer(file, [], { entry, isFirstWorkerEnough: true });
  try {
    const listening = performance.now();
    const token = await fetchToken(server.baseUrl, credential);
    const tokened = performance.now();
    const search = await postOnce(`${server.baseUrl}/api/companies/search`, JSON.stringify(expiredPageBody(today)), {
      authorization: `Bearer ${token}`,
    });
    if (search.status !== 200) throw new Error(`the first search answered ${search.status}`);
    const searched = performance.now();
    return { listenMs: listening - started, tokenMs: tokened - started, searchMs: searched - started };
  } finally {
    await server.stop();
  }
}

export async function main(): Promise<void> {
  const bench = await benchDatabase(COMPANIES);
  const runs: Awaited<ReturnType<typeof startOnce>>[] = [];
  const unbundled: typeof runs = [];
  // Alternated, so both see the same machine.
  for (let run = 0; run < RUNS; run++) {
    runs.push(await startOnce(bench.file, bench.today, bench.root));
    unbundled.push(await startOnce(bench.file, bench.today, bench.root, UNBUNDLED_ENTRY));
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const firstSearch = median(runs.map((run) => run.searchMs));
  const unbundledSearch = median(unbundled.map((run) => run.searchMs));
  const body = [
    `${COMPANIES.toLocaleString('en-US')} companies (seed 1), SQLite; ${RUNS} fresh \`lapse serve\` processes one after another, each timed from the spawn, each followed by one started from the unbundled compiled modules (\`node dist/src/cli/main.js serve\`, what \`bin/lapse.js\` ran before the build bundled it). The first search is the root's page of 100 expired companies by renewal date (its totals count every expired company), sent once the first token has been issued.`,
    '',
    markdownTable(
      [
        'run',
        'listening ms',
        'first token ms',
        'first search answered ms',
        'unbundled: listening ms',
        'unbundled: first search ms',
      ],
      runs.map((run, index) => [
        index + 1,
        fmt(run.listenMs, 0),
        fmt(run.tokenMs, 0),
        fmt(run.searchMs, 0),
        fmt(unbundled[index]?.listenMs ?? Number.NaN, 0),
        fmt(unbundled[index]?.searchMs ?? Number.NaN, 0),
      ]),
    ),
    '',
    `Time to first answered search, median of ${RUNS}: ${fmt(firstSearch, 0)} ms (target ≤ ${TARGET_MS} ms) ${firstSearch <= TARGET_MS ? '✅' : '❌'}; unbundled ${fmt(unbundledSearch, 0)} ms (${fmt(unbundledSearch / firstSearch)}× the bundle's).`,
  ].join('\n');
  process.stdout.write(`${body}\n`);
  await writeSection('startup', 'npm run bench -- startup', body);
}
