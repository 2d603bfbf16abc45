// `npm run bench -- history`: the history store against a `lapse serve` process over 100,000 companies.
// 1. A whole-scope snapshot (`history.snapshot()`: the listing plus its transaction) beside the plain listing of
//    the same rows (`client.companies.iterate()`), alternating. Target: snapshot ≤ 1.3× the listing.
// 2. A year of daily snapshots (365 days, ~0.5% of the companies changing a day), built straight into a store
//    through HistoryStore.record, ending the day before the server's data; then `changes` since yesterday, a week
//    and the year's first day. Target: under 2 s for the store's part (the listing is the one measured in 1).
// 3. The store's size on disk.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '../src/client/index.js';
import { addDays } from '../src/contract/index.js';
import { HistoryStore } from '../src/history/history-store.js';
import { type CompanyFacts, compareListings, factsOf, openHistory } from '../src/history/index.js';
import { benchDatabase, startLapseServer } from './fixtures.js';
import { fmt, markdownTable, percentile, writeSection } from './report.js';

const COMPANIES = Number(process.env.LAPSE_BENCH_HISTORY_COMPANIES ?? 100_000);
const ROUNDS = 3;
const YEAR_DAYS = 365;
const DAILY_SHARE = 0.005;

/** A small deterministic generator (the year must be the same on every run). */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

/** The facts a company had before one day's change: a renewal a year earlier, fewer users, another licence type. */
function before(facts: CompanyFacts, draw: number): CompanyFacts {
  if (draw < 0.6 && facts.renewalDay !== null) return { ...facts, renewalDay: addDays(facts.renewalDay, -365) };
  if (draw < 0.85) return { ...facts, targetUserCount: Math.max(0, facts.targetUserCount - 1 - Math.floor(draw * 40)) };
  return { ...facts, licenceType: facts.licenceType === 'Trial' ? 'Standard' : 'Trial' };
}

/** Each day's changed companies (index and facts from that day on), found by walking back from `now`. */
function yearOfChanges(now: readonly CompanyFacts[]): { first: CompanyFacts[]; days: [number, CompanyFacts][][] } {
  const random = randomFrom(16);
  const state = [...now];
  const perDay = Math.round(now.length * DAILY_SHARE);
  const days: [number, CompanyFacts][][] = [];
  // Day YEAR_DAYS is the server's data; the store gets days 0 to YEAR_DAYS - 1.
  for (let day = YEAR_DAYS; day >= 1; day--) {
    const changes: [number, CompanyFacts][] = [];
    for (let k = 0; k < perDay; k++) {
      const index = Math.floor(random() * state.length);
      const after = state[index] as CompanyFacts;
      changes.push([index, after]);
      state[index] = before(after, random());
    }
    days.unshift(changes.reverse());
  }
  return { first: state, days };
}

async function timed<T>(work: () => Promise<T> | T): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, (performance.now() - started) / 1000];
}

const median = (times: number[]) =>
  percentile(
    [...times].sort((a, b) => a - b),
    50,
  );

export async function main(): Promise<void> {
  const bench = await benchDatabase(COMPANIES);
  const loadAtStart = loadavg()[0] ?? 0;
  const server = await startLapseServer(bench.file, ['--search-cache', '0']);
  const dir = await mkdtemp(join(tmpdir(), 'lapse-bench-history-'));
  try {
    const client = createClient({
      baseUrl: server.baseUrl,
      clientId: bench.root.clientId,
      clientSecret: bench.root.clientSecret,
    });
    const identity = { baseUrl: server.baseUrl, clientId: bench.root.clientId, companyId: undefined };
    const list = async () => {
      const rows = [];
      for await (const company of client.companies.iterate()) rows.push(company);
      return rows;
    };
    const [warm] = await timed(list); // token, JIT and page caches
    const history = openHistory({ ...identity, path: join(dir, 'snapshots.db') });
    const listTimes: number[] = [];
    const snapshotTimes: number[] = [];
    let firstSnapshot = 0;
    for (let round = 0; round <= ROUNDS; round++) {
      const [, listSeconds] = await timed(list);
      const [recorded, snapshotSeconds] = await timed(() => history.snapshot(client, { asOf: bench.today }));
      if (round === 0) {
        firstSnapshot = snapshotSeconds;
        continue;
      }
      if (recorded.added + recorded.changed + recorded.removed !== 0) throw new Error('the data moved between rounds');
      listTimes.push(listSeconds);
      snapshotTimes.push(snapshotSeconds);
    }
    history.close();
    const snapshotFileBytes = (await stat(history.path)).size;
    const ratios = snapshotTimes.map((seconds, round) => seconds / (listTimes[round] as number));
    const ratio = median(ratios);

    // A year, recorded a day at a time: the first day whole, then each day's changed rows.
    const now = warm.map(factsOf);
    const { first, days } = yearOfChanges(now);
    const yearPath = join(dir, 'year.db');
    const store = HistoryStore.open(yearPath, identity);
    const dayOfIndex = (index: number) => addDays(bench.today, index - YEAR_DAYS);
    const base = { timeZone: 'UTC', strategy: 'scope', reason: 'synthetic year', takenAt: new Date().toISOString() };
    const [, buildSeconds] = await timed(() => {
      store.record({ ...base, asOf: dayOfIndex(0), view: 'scope', isWholeScope: true, companies: first });
      for (let day = 1; day < YEAR_DAYS; day++) {
        const changed = (days[day - 1] as [number, CompanyFacts][]).map(([, facts]) => facts);
        store.record({ ...base, asOf: dayOfIndex(day), view: 'day', isWholeScope: false, companies: changed });
      }
    });
    const snapshotCount = store.snapshots().length;
    store.close();
    const yearBytes = (await stat(yearPath)).size;

    const yearHistory = openHistory({ ...identity, path: yearPath });
    const nowMap = new Map(now.map((facts) => [facts.companyResourceId, facts]));
    const yearStore = HistoryStore.open(yearPath, identity);
    const rows: (string | number)[][] = [];
    for (const since of ['last', '7d', `${YEAR_DAYS - 1}d`]) {
      const [report, endToEnd] = await timed(() =>
        yearHistory.changes(client, { since, asOf: bench.today, record: false }),
      );
      const [changes, storeSeconds] = await timed(() => {
        const then = yearStore.companiesAt(report.since.id, nowMap);
        return compareListings(
          { asOf: report.since.asOf, companies: then },
          { asOf: bench.today, companies: nowMap },
          {
            withinDays: 30,
          },
        );
      });
      if (changes.length !== report.changes.length) throw new Error('the two comparisons differ');
      rows.push([
        `\`--since ${since}\` (snapshot of ${report.since.asOf})`,
        changes.length,
        fmt(storeSeconds, 3),
        fmt(endToEnd, 3),
      ]);
    }
    yearStore.close();
    yearHistory.close();
    const worstStore = Math.max(...rows.map((row) => Number(row[2])));
    const mb = (bytes: number) => fmt(bytes / 2 ** 20, 1);

    const body = [
      `${warm.length.toLocaleString('en-US')} companies (seed 1), SQLite server (\`--search-cache 0\`), root credential, one SDK client with its token in hand. The machine is shared with other work: 1-minute load average ${fmt(loadAtStart, 1)} at the start, ${fmt(loadavg()[0] ?? 0, 1)} at the end (2 cores).`,
      '',
      markdownTable(
        ['what', 'median s', 'all runs s'],
        [
          [
            'plain listing (`client.companies.iterate()`, every page)',
            fmt(median(listTimes), 3),
            listTimes.map((t) => fmt(t, 3)).join(', '),
          ],
          [
            '`history.snapshot()` (same listing + its transaction, nothing changed)',
            fmt(median(snapshotTimes), 3),
            snapshotTimes.map((t) => fmt(t, 3)).join(', '),
          ],
          ['first snapshot into an empty store (every company written)', fmt(firstSnapshot, 3), fmt(firstSnapshot, 3)],
        ],
      ),
      '',
      `Snapshot / listing, round by round: ${ratios.map((r) => `${fmt(r)}×`).join(', ')}; median ${fmt(ratio)}× (target ≤ 1.3×) ${ratio <= 1.3 ? '✅' : '❌'}`,
      '',
      `A year: ${snapshotCount} daily snapshots, ${Math.round(warm.length * DAILY_SHARE)} companies changing a day (60% renewed a year on, 25% more target users, 15% another licence type), built through \`HistoryStore.record\` in ${fmt(buildSeconds, 1)} s (the first day whole, then each day's changed rows in its own transaction). \`changes\` against the server's data:`,
      '',
      markdownTable(['since', 'changes', 'store + compare s', '`history.changes()` s (listing included)'], rows),
      '',
      `Store part, slowest: ${fmt(worstStore, 3)} s (target < 2 s) ${worstStore < 2 ? '✅' : '❌'}`,
      '',
      markdownTable(
        ['store on disk', 'MiB'],
        [
          ['one snapshot of every company (then the same again)', mb(snapshotFileBytes)],
          [`a year of daily snapshots (${snapshotCount})`, mb(yearBytes)],
        ],
      ),
    ].join('\n');
    process.stdout.write(`${body}\n`);
    await writeSection('history', 'npm run bench -- history', body);
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
