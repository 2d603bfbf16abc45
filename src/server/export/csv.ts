// contract §5: the CSV export. RFC 4180 with CRLF line ends, a UTF-8 byte-order mark so Excel reads accents,
// dates as YYYY-MM-DD, booleans as true/false, empty cells for nulls, and text neutralised against formulas.
import type { Readable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import { EXPORT_COLUMNS, type ExportColumn, neutraliseFormula, type SearchCompanyDto } from '../../contract/index.js';
import { streamPulled } from './pulled-stream.js';
import { RowReader } from './row-reader.js';

const BYTE_ORDER_MARK = '\uFEFF';
/** Rows per chunk: big enough to amortise the per-chunk cost, small enough to keep memory flat. */
const ROWS_PER_CHUNK = 256;

// RFC 4180 quotes fields holding a line break; csv-stringify only quotes its own record delimiter (CRLF), so a
// lone LF or CR would otherwise split a record for most readers.
const STRINGIFY_OPTIONS = { record_delimiter: 'windows', quoted_match: /[\r\n]/ } as const;

function csvField(column: ExportColumn, company: SearchCompanyDto): string {
  const value = column.value(company);
  // An empty cell for a missing value, and for a number that is not one (as the Excel export does).
  if (value === null || (typeof value === 'number' && !Number.isFinite(value))) return '';
  if (typeof value === 'string') return column.kind === 'date' ? value : neutraliseFormula(value);
  return String(value);
}

function csvRecord(company: SearchCompanyDto): string[] {
  return EXPORT_COLUMNS.map((column) => csvField(column, company));
}

const HEADER_LINE = stringify([EXPORT_COLUMNS.map((column) => column.header)], STRINGIFY_OPTIONS);

/**
 * The CSV bytes of `rows`. The first chunk (byte-order mark, header and the first rows) comes only once the
 * first rows have been read, so a source that fails at once fails before any byte. A source error later
 * destroys the stream with that error; destroying the stream calls the source's return().
 */
export function streamCsv(rows: AsyncIterable<SearchCompanyDto>): Readable {
  const reader = new RowReader(rows);
  let head = BYTE_ORDER_MARK + HEADER_LINE;
  return streamPulled(
    async () => {
      const batch = await reader.read(ROWS_PER_CHUNK);
      const text = head + (batch.length > 0 ? stringify(batch.map(csvRecord), STRINGIFY_OPTIONS) : '');
      head = '';
      return text === '' ? null : text;
    },
    () => reader.close(),
  );
}
