// `npm run bench -- export`: every company of a 1,000,000-company tree exported as CSV and Excel over HTTP
// (reportAllPages), next to `sqlite3 -csv` running the server's own SQL; peak server RSS at 100,000 and
// 1,000,000 rows (a fresh server process each, so each peak is its own); and the writers alone against
// csv-stringify and exceljs's streaming WorkbookWriter on the same generated rows.
import { dayStartUtc } from '../src/contract/index.js';
import { parseCompanyQuery, selectExportRows } from '../src/server/companies/search-query.js';
import { openStorage } from '../src/server/db/storage.js';
import { runExportWriterBench } from './export-writers.js';
import { type BenchDatabase, benchDatabase, fetchToken, startLapseServer } from './fixtures.js';
import { peakRssMb, timeCommand, timedDownload } from './measure-process.js';
import { EVERY_COMPANY_BODY } from './queries.js';
import { fmt, markdownTable, writeSection } from './report.js';

const BIG = Number(process.env.LAPSE_BENCH_COMPANIES ?? 1_000_000);
const SMALL = Math.round(BIG / 10);

/** The export's SQL for "every company, by name" with its parameters inlined, for the sqlite3 shell. */
async function serverSql(file: string, today: string): Promise<string> {
  const storage = await openStorage(file);
  try {
    const query = parseCompanyQuery(EVERY_COMPANY_BODY, { path: null, includesRoot: true }, dayStartUtc(today));
    const compiled = selectExportRows(storage.db, query).compile();
    let index = 0;
    return compiled.sql.replace(/\?/g, () => {
      const value = compiled.parameters[index++];
      return typeof value === 'number' ? String(value) : `'${String(value).replace(/'/g, "''")}'`;
    });
  } finally {
    await storage.close();
  }
}

async function exportOnce(bench: BenchDatabase, exportType: 'CSV' | 'Excel') {
  // One process, so that its peak RSS is the memory the export took (with workers, the pid is the primary's).
  const server = await startLapseServer(bench.file, ['--workers', '1']);
  try {
    const token = await fetchToken(server.baseUrl, bench.root);
    const result = await timedDownload(
      `${server.baseUrl}/api/companies/search/export`,
      { ...EVERY_COMPANY_BODY, exportType },
      token,
    );
    if (result.status !== 200) throw new Error(`export answered ${result.status}`);
    return { ...result, peakMb: await peakRssMb(server.pid) };
  } finally {
    await server.stop();
  }
}

export async function main(): Promise<void> {
  const big = await benchDatabase(BIG);
  const small = await benchDatabase(SMALL);
  const rows: (string | number)[][] = [];
  const rss: Record<string, { small: number; big: number }> = {};
  let csvRate = 0;
  for (const exportType of ['CSV', 'Excel'] as const) {
    const atSmall = await exportOnce(small, exportType);
    const atBig = await exportOnce(big, exportType);
    const rate = atBig.totalCount / atBig.seconds;
    if (exportType === 'CSV') csvRate = rate;
    rss[exportType] = { small: atSmall.peakMb, big: atBig.peakMb };
    rows.push([
      `lapse export ${exportType} (HTTP)`,
      atBig.totalCount,
      fmt(atBig.seconds),
      fmt(rate, 0),
      fmt(atBig.bytes / 2 ** 20, 1),
      fmt(atBig.peakMb, 0),
    ]);
  }
  const sql = await serverSql(big.file, big.today);
  const sqlite = await timeCommand('sqlite3', ['-csv', '-readonly', big.file, sql]);
  const sqliteRate = BIG / sqlite.seconds;
  rows.push([
    '`sqlite3 -csv`, same SQL',
    BIG,
    fmt(sqlite.seconds),
    fmt(sqliteRate, 0),
    fmt(sqlite.bytes / 2 ** 20, 1),
    'n/a',
  ]);
  const csvRatio = csvRate / sqliteRate;
  const rssLines = Object.entries(rss).map(([type, { small: s, big: b }]) => {
    const growth = (b - s) / s;
    return [type, fmt(s, 0), fmt(b, 0), `${fmt(growth * 100, 1)}%`, `${b <= 200 && growth <= 0.2 ? '✅' : '❌'}`];
  });
  const writers = await runExportWriterBench(200_000);
  const body = [
    `Every company (reportAllPages, ordered by name) of a seeded tree, root credential, SQLite, the server in its own process; the client reads and discards the bytes.`,
    '',
    markdownTable(['export', 'rows', 'seconds', 'rows/s', 'MiB', 'server peak RSS MiB'], rows),
    '',
    `CSV rate: ${fmt(csvRatio * 100, 1)}% of \`sqlite3 -csv\` (target ≥ 50%) ${csvRatio >= 0.5 ? '✅' : '❌'}`,
    '',
    `Peak RSS of the server process (\`--workers 1\`), ${SMALL.toLocaleString('en-US')} vs ${BIG.toLocaleString('en-US')} rows (target ≤ 200 MiB and within 20%):`,
    '',
    markdownTable(
      [
        'format',
        `${SMALL.toLocaleString('en-US')} rows MiB`,
        `${BIG.toLocaleString('en-US')} rows MiB`,
        'growth',
        'target',
      ],
      rssLines,
    ),
    '',
    'The writers alone, in-process on 200,000 generated rows (`node --import tsx bench/export-writers.ts`):',
    '',
    writers,
  ].join('\n');
  process.stdout.write(`${body}\n`);
  await writeSection('export', 'npm run bench -- export', body);
}
