// `npm run bench -- search-json`: what a search page costs from its query to its response bytes, on the same
// rows (every expired company of the 100,000-company tree, 1,000 a page, in renewal-date order), three ways:
// the row values, a DTO per row and JSON.stringify of the whole page encoded as UTF-8 (the plain way); the same
// DTOs written in ASCII pieces (page-bytes.ts); and each company's JSON written by the database (company-records.ts,
// what the server does on SQLite) and joined in the same pieces.
import { dayStartUtc, type SearchPage, success } from '../src/contract/index.js';
import { SEARCH_COMPANY } from '../src/server/companies/company-records.js';
import { piecesOfDtos, piecesOfJson, searchPageBytes } from '../src/server/companies/page-bytes.js';
import { resolveScope } from '../src/server/companies/scope.js';
import { type PageRequest, pageOfRows } from '../src/server/companies/search-page.js';
import { countMatching, parseCompanyQuery, selectSearchRow } from '../src/server/companies/search-query.js';
import { sqliteJson } from '../src/server/db/dialects/sqlite-json.js';
import { openStorage } from '../src/server/db/storage.js';
import { benchDatabase } from './fixtures.js';
import { callerFor, expiredPageBody } from './queries.js';
import { fmt, markdownTable, writeSection } from './report.js';

const COMPANIES = Number(process.env.LAPSE_BENCH_CLIENT_COMPANIES ?? 100_000);
const PAGE_SIZE = 1000;
const ROUNDS = 6;

export async function main(): Promise<void> {
  const bench = await benchDatabase(COMPANIES);
  const storage = await openStorage(bench.file);
  try {
    // The bench database is SQLite, which writes the JSON.
    const json = sqliteJson;
    const today = dayStartUtc(bench.today);
    const body = { ...expiredPageBody(bench.today), pageSize: PAGE_SIZE };
    const scope = await resolveScope(storage.db, await callerFor(storage, bench.root, 'Root'), undefined);
    const query = parseCompanyQuery(body, scope, today);
    const totals: Omit<SearchPage, 'results'> = {
      pageNumber: 1,
      pageSize: PAGE_SIZE,
      totalNumberOfRecords: 0,
      totalNumberOfPages: 1,
      limitExceededCompanyCount: 0,
    };
    const dtosOf = async (page: PageRequest) =>
      (await storage.selectValues(selectSearchRow(pageOfRows(storage.db, query, page)))).map((values) =>
        SEARCH_COMPANY.fromValues(values, { todayStartMs: today }),
      );
    const ways: [string, (page: PageRequest) => Promise<Buffer>][] = [
      [
        'row values, a DTO per row, JSON.stringify of the page, UTF-8',
        async (page) => Buffer.from(JSON.stringify(success({ ...totals, results: await dtosOf(page) }))),
      ],
      [
        'row values, a DTO per row, written in ASCII pieces',
        async (page) => searchPageBytes(totals, piecesOfDtos(await dtosOf(page))),
      ],
      [
        "each company's JSON from the database, in ASCII pieces (shipped)",
        async (page) => {
          const rows = pageOfRows(storage.db, query, page).select(
            SEARCH_COMPANY.json(json, { todayStartMs: today }).as('json'),
          );
          const texts = (await storage.selectValues(rows)).map((values) => values[0] as string);
          return searchPageBytes(totals, piecesOfJson(texts));
        },
      ],
    ];
    const pageCount = Math.ceil((await countMatching(storage.db, query)).total / PAGE_SIZE);
    const best = new Map<string, number>();
    // Rounds alternate between the ways, so none gets a quieter machine; the best round after a warm-up counts.
    for (let round = 0; round < ROUNDS; round++) {
      for (const [label, write] of ways) {
        const started = performance.now();
        for (let pageNumber = 1; pageNumber <= pageCount; pageNumber++)
          await write({ pageNumber, pageSize: PAGE_SIZE });
        const ms = (performance.now() - started) / pageCount;
        if (round > 0) best.set(label, Math.min(best.get(label) ?? Number.POSITIVE_INFINITY, ms));
      }
    }
    const plain = best.get(ways[0]?.[0] ?? '') ?? Number.NaN;
    const rows = ways.map(([label]) => {
      const ms = best.get(label) ?? Number.NaN;
      return [label, fmt(ms), `${fmt(plain / ms)}×`];
    });
    const text = [
      `${pageCount} pages of up to ${PAGE_SIZE} expired companies (${COMPANIES.toLocaleString('en-US')}-company tree, SQLite), each read by the server's page query and written as response bytes; best of ${ROUNDS - 1} rounds after a warm-up, in-process.`,
      '',
      markdownTable(['page read and written as', 'ms per page', 'speed vs plain'], rows),
    ].join('\n');
    process.stdout.write(`${text}\n`);
    await writeSection('search-json', 'npm run bench -- search-json', text);
  } finally {
    await storage.close();
  }
}
