// `npm run bench -- pg`: the seeded tree (LAPSE_BENCH_COMPANIES, default 1,000,000) copied into a throwaway
// PostgreSQL cluster (`lapse migrate`'s copy), then a search page over HTTP next to the same SQL through `pg`, and
// full CSV exports over HTTP next to `psql -c "COPY (…) TO STDOUT CSV"` of the same query, round after round.
import { loadavg } from 'node:os';
import pg from 'pg';
import { dayStartUtc } from '../src/contract/index.js';
import { EXPORT_CELLS } from '../src/server/companies/company-records.js';
import { resolveScope } from '../src/server/companies/scope.js';
import {
  countQuery,
  orderRows,
  parseCompanyQuery,
  selectExportRows,
  selectMatching,
  selectOrderedRows,
} from '../src/server/companies/search-query.js';
import { inlineParameters } from '../src/server/db/dialects/postgres-copy-out.js';
import { postgresCsv } from '../src/server/db/dialects/postgres-csv.js';
import { openStorage } from '../src/server/db/storage.js';
import { type BenchDatabase, benchDatabase, fetchToken, startLapseServer, withPostgresCopy } from './fixtures.js';
import { measureLatency, postOnce } from './http-timing.js';
import { timeCommand, timedDownload } from './measure-process.js';
import { callerFor, EVERY_COMPANY_BODY, expiredPageBody } from './queries.js';
import { benchCommand, fmt, markdownTable, writeSection } from './report.js';

const COMPANIES = Number(process.env.LAPSE_BENCH_COMPANIES ?? 1_000_000);
const SAMPLES = 200;

/** Export and COPY, alternating, this many times each: the target must hold in every one. */
const EXPORT_ROUNDS = 3;

async function measure(bench: BenchDatabase, url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const storage = await openStorage(url);
  const server = await startLapseServer(url);
  try {
    const rows: (string | number)[][] = [];
    const body = JSON.stringify(expiredPageBody(bench.today));
    for (const [label, credential, role] of [
      ['platform root (Root)', bench.root, 'Root'],
      ['reseller with ~1,000 companies', bench.reseller, 'Reseller'],
    ] as const) {
      const token = await fetchToken(server.baseUrl, credential);
      const headers = { authorization: `Bearer ${token}` };
      const searchUrl = `${server.baseUrl}/api/companies/search`;
      const first = await postOnce(searchUrl, body, headers);
      if (first.status !== 200) throw new Error(`search answered ${first.status}`);
      const http = await measureLatency(() => postOnce(searchUrl, body, headers), SAMPLES);
      const scope = await resolveScope(storage.db, await callerFor(storage, credential, role), undefined);
      const query = parseCompanyQuery(expiredPageBody(bench.today), scope, dayStartUtc(bench.today));
      const count = countQuery(storage.db, query).compile();
      const page = selectOrderedRows(storage.db, query).limit(100).offset(0).compile();
      const direct = await measureLatency(async () => {
        await client.query(count.sql, count.parameters as unknown[]);
        await client.query(page.sql, page.parameters as unknown[]);
      }, SAMPLES);
      const target = 3 * direct.p50 + 1;
      rows.push([
        label,
        fmt(http.p50),
        fmt(http.p99),
        fmt(direct.p50),
        fmt(direct.p99),
        `${fmt(target)} ${http.p50 <= target ? '✅' : '❌'}`,
      ]);
    }
    const rootToken = await fetchToken(server.baseUrl, bench.root);
    const exportQuery = parseCompanyQuery(
      EVERY_COMPANY_BODY,
      { path: null, includesRoot: true },
      dayStartUtc(bench.today),
    );
    const copySql = `copy (${inlineParameters(selectExportRows(storage.db, exportQuery).compile())}) to stdout csv`;
    // The export's own statement: how much of its time is PostgreSQL writing the cells.
    const line = EXPORT_CELLS.csvLine(postgresCsv, { todayStartMs: exportQuery.todayStartMs }).as('line');
    const lines = orderRows(
      selectMatching(storage.db, exportQuery).select(line),
      exportQuery.orderBy,
      exportQuery.ascending,
    );
    const linesSql = `copy (${inlineParameters(lines.compile())}) to stdout with (format binary)`;
    const rounds: {
      exported: Awaited<ReturnType<typeof timedDownload>>;
      copied: { seconds: number };
      linesCopied: { seconds: number };
    }[] = [];
    for (let round = 0; round < EXPORT_ROUNDS; round++) {
      const exported = await timedDownload(
        `${server.baseUrl}/api/companies/search/export`,
        { ...EVERY_COMPANY_BODY, exportType: 'CSV' },
        rootToken,
      );
      if (exported.status !== 200) throw new Error(`export answered ${exported.status}`);
      const copied = await timeCommand('psql', [url, '-X', '-q', '-c', copySql]);
      const linesCopied = await timeCommand('psql', [url, '-X', '-q', '-c', linesSql]);
      rounds.push({ exported, copied, linesCopied });
    }
    return { rows, rounds };
  } finally {
    await client.end();
    await server.stop();
    await storage.close();
  }
}

export async function main(): Promise<void> {
  const loadAtStart = loadavg()[0] ?? 0;
  const bench = await benchDatabase(COMPANIES);
  let clusterName = '';
  const { result, copySeconds } = await withPostgresCopy(bench, (url, name) => {
    clusterName = name;
    return measure(bench, url);
  });
  const { rows, rounds } = result;
  const rate = (rows: number, seconds: number) => rows / seconds;
  // The target's baseline: psql running the export's own statement (its cells, dates, "Unlimited" and formula
  // neutralisation in SQL); the plain columns' COPY is the floor no cell rule can reach, reported beside it.
  const ratios = rounds.map(
    ({ exported, linesCopied }) => rate(exported.totalCount, exported.seconds) / rate(COMPANIES, linesCopied.seconds),
  );
  const plainRatios = rounds.map(
    ({ exported, copied }) => rate(exported.totalCount, exported.seconds) / rate(COMPANIES, copied.seconds),
  );
  const held = ratios.filter((ratio) => ratio >= 0.8).length;
  const percent = (ratio: number | undefined) => `${fmt((ratio ?? 0) * 100, 1)}%`;
  const body = [
    `${COMPANIES.toLocaleString('en-US')} companies copied from the seeded SQLite file into a throwaway ${clusterName} cluster (the settings of test/support/postgres-cluster.ts) by \`lapse migrate\`'s copy in ${fmt(copySeconds, 1)} s (${fmt(COMPANIES / copySeconds, 0)} rows/s, verified by counts and checksums; see \`migrate\`). 1-minute load average ${fmt(loadAtStart, 1)} at the start and ${fmt(loadavg()[0] ?? 0, 1)} at the end, on 2 cores shared with other work.`,
    '',
    `Search: a page of 100 expired companies ordered by renewal date; ${SAMPLES} sequential requests after 20 warm-up; "pg" runs the server's own count + page SQL on one connection.`,
    '',
    markdownTable(['caller', 'HTTP p50 ms', 'HTTP p99 ms', 'pg p50 ms', 'pg p99 ms', 'target p50 ≤ 3×pg+1 ms'], rows),
    '',
    `Full CSV export of every company, ordered by name, ${EXPORT_ROUNDS} rounds, each an export over HTTP (PostgreSQL writes the lines: one \`COPY (…) TO STDOUT\` of the export's query, its cells from EXPORT_CELLS), then \`psql -c "COPY (the export's query, its plain columns) TO STDOUT CSV"\`, which leaves out the cell rules (formula neutralisation, days, "Unlimited") the export applies, then \`psql -c "COPY (the export's own statement) TO STDOUT"\` (the same query, cells and format, to psql's stdout):`,
    '',
    markdownTable(
      [
        'round',
        'lapse export rows',
        'lapse export s',
        'lapse rows/s',
        "psql COPY of the export's statement s",
        'lapse / psql (export statement)',
        'psql COPY of the plain columns s',
        'lapse / psql (plain columns)',
      ],
      rounds.map(({ exported, copied, linesCopied }, index) => [
        index + 1,
        exported.totalCount,
        fmt(exported.seconds),
        fmt(rate(exported.totalCount, exported.seconds), 0),
        fmt(linesCopied.seconds),
        percent(ratios[index]),
        fmt(copied.seconds),
        percent(plainRatios[index]),
      ]),
    ),
    '',
    `Export rate ≥ 80% of psql COPY of the export's statement in ${held} of ${EXPORT_ROUNDS} rounds (target: ${EXPORT_ROUNDS} of ${EXPORT_ROUNDS}) ${held === EXPORT_ROUNDS ? '✅' : '❌'}; of the plain columns' COPY: ${plainRatios.map(percent).join(', ')}.`,
  ].join('\n');
  process.stdout.write(`${body}\n`);
  await writeSection('pg', benchCommand('pg'), body);
}
