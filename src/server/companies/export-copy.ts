// contract §5's CSV export on a database that writes CSV itself (PostgreSQL): one COPY of the export's own query,
// each row selected as its CSV line from EXPORT_CELLS, and the server only passes the bytes on. The bytes are
// those spreadsheet/csv.ts writes from the same rows (a test compares the two exports byte for byte).
import { Readable } from 'node:stream';
import { CSV_PREAMBLE } from '../../spreadsheet/index.js';
import type { CsvCopy, Db } from '../db/index.js';
import { EXPORT_CELLS } from './company-records.js';
import { type CompanyQuery, orderRows, selectMatching } from './search-query.js';

export interface ExportRange {
  offset: number;
  limit: number | undefined;
}

/**
 * The byte-order mark and header go out with the first rows, so a query that fails at once fails before any
 * byte (the route still answers it as JSON); an export of no rows is the preamble alone.
 */
async function* withPreamble(lines: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let preamble: Buffer | undefined = Buffer.from(CSV_PREAMBLE);
  for await (const chunk of lines) {
    yield preamble ? Buffer.concat([preamble, chunk]) : chunk;
    preamble = undefined;
  }
  if (preamble) yield preamble;
}

/** The CSV bytes of the query's rows in `range`, written by the database inside the long read's snapshot. */
export function copiedCsv(db: Db, csvCopy: CsvCopy, query: CompanyQuery, range: ExportRange): Readable {
  const line = EXPORT_CELLS.csvLine(csvCopy.csv, { todayStartMs: query.todayStartMs }).as('line');
  let select = orderRows(selectMatching(db, query).select(line), query.orderBy, query.ascending);
  if (range.limit !== undefined) select = select.limit(range.limit).offset(range.offset);
  return Readable.from(withPreamble(csvCopy.copyOut(select)), { objectMode: false });
}
