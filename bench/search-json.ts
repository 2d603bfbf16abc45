// `npm run bench -- search-json`: what a search page costs after its query, on the same rows (every expired
// company of the 100,000-company tree, 1,000 a page, read once before timing): JSON.stringify of the whole page
// encoded as UTF-8 (the plain way), against the page written in ASCII pieces (page-bytes.ts, what the server does).
import { dayStartUtc, type SearchPage, success } from '../src/contract/index.js';
import { toSearchCompanyDto } from '../src/server/companies/company-dto.js';
import { searchPageBytes } from '../src/server/companies/page-bytes.js';
import { resolveScope } from '../src/server/companies/scope.js';
import { selectPageRows } from '../src/server/companies/search-page.js';
import { parseCompanyQuery } from '../src/server/companies/search-query.js';
import { openStorage } from '../src/server/db/storage.js';
import { benchDatabase } from './fixtures.js';
import { callerFor, expiredPageBody } from './queries.js';
import { fmt, markdownTable, writeSection } from './report.js';

const COMPANIES = Number(process.env.LAPSE_BENCH_CLIENT_COMPANIES ?? 100_000);
const PAGE_SIZE = 1000;
const ROUNDS = 7;

export async function main(): Promise<void> {
  const bench = await benchDatabase(COMPANIES);
  const storage = await openStorage(bench.file);
  try {
    const today = dayStartUtc(bench.today);
    const body = { ...expiredPageBody(bench.today), pageSize: PAGE_SIZE };
    const scope = await resolveScope(storage.db, await callerFor(storage, bench.root, 'Root'), undefined);
    const query = parseCompanyQuery(body, scope, today);
    const pages: unknown[][][] = [];
    for (let pageNumber = 1; ; pageNumber++) {
      const rows = await storage.selectValues(selectPageRows(storage.db, query, { pageNumber, pageSize: PAGE_SIZE }));
      if (rows.length === 0) break;
      pages.push(rows);
    }
    const totals = (rows: unknown[][]): Omit<SearchPage, 'results'> => ({
      pageNumber: 1,
      pageSize: PAGE_SIZE,
      totalNumberOfRecords: rows.length,
      totalNumberOfPages: 1,
      limitExceededCompanyCount: 0,
    });
    const ways: [string, (rows: unknown[][]) => Buffer][] = [
      [
        'DTO per row, JSON.stringify of the page, UTF-8',
        (rows) =>
          Buffer.from(
            JSON.stringify(success({ ...totals(rows), results: rows.map((v) => toSearchCompanyDto(v, today)) })),
          ),
      ],
      [
        'DTO per row, written in ASCII pieces (searchPageBytes)',
        (rows) => searchPageBytes({ ...totals(rows), results: rows.map((v) => toSearchCompanyDto(v, today)) }),
      ],
    ];
    const best = new Map<string, number>();
    // Rounds alternate between the ways, so none gets a quieter machine; the best round counts.
    for (let round = 0; round < ROUNDS; round++) {
      for (const [label, write] of ways) {
        const started = performance.now();
        for (const rows of pages) write(rows);
        const ms = (performance.now() - started) / pages.length;
        if (round > 0) best.set(label, Math.min(best.get(label) ?? Number.POSITIVE_INFINITY, ms));
      }
    }
    const plain = best.get(ways[0]?.[0] ?? '') ?? Number.NaN;
    const rows = ways.map(([label]) => {
      const ms = best.get(label) ?? Number.NaN;
      return [label, fmt(ms), `${fmt(plain / ms)}×`];
    });
    const text = [
      `${pages.length} pages of up to ${PAGE_SIZE} expired companies (${COMPANIES.toLocaleString('en-US')}-company tree), rows read once before timing; best of ${ROUNDS - 1} rounds after a warm-up, in-process.`,
      '',
      markdownTable(['response body written as', 'ms per page', 'speed vs plain'], rows),
    ].join('\n');
    process.stdout.write(`${text}\n`);
    await writeSection('search-json', 'npm run bench -- search-json', text);
  } finally {
    await storage.close();
  }
}
