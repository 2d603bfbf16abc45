// contract §5: the CSV export. RFC 4180 with CRLF line ends, a UTF-8 byte-order mark so Excel reads accents,
// dates as YYYY-MM-DD, booleans as true/false, empty cells for nulls, and text neutralised against formulas.
//
// Written by hand rather than with csv-stringify: on the export's 14 columns csv-stringify costs about five
// times as much per row as everything else in the export together (`npm run bench -- export`, writers table).
import type { Readable } from 'node:stream';
import {
  EXPORT_COLUMNS,
  type ExportCell,
  type ExportRecord,
  neutraliseDelimitedFormulas,
  neutraliseFormula,
} from '../contract/index.js';
import { streamPulled } from './pulled-stream.js';
import { RowReader } from './row-reader.js';

const BYTE_ORDER_MARK = '\uFEFF';
/** Rows per chunk: big enough to amortise the per-chunk cost, small enough to keep memory flat. */
const ROWS_PER_CHUNK = 256;

// RFC 4180: a field holding a separator, a quote or a line break is quoted, its quotes doubled. A lone CR or LF
// counts too, or most readers would split the record there; so does `;`, the separator of Excel in many
// European locales and one LibreOffice offers.
/** The characters that make a field quoted. */
export const QUOTED_FIELD_CHARACTERS = ['"', ',', ';', '\r', '\n'] as const;
const NEEDS_QUOTES = new RegExp(`[${QUOTED_FIELD_CHARACTERS.join('')}]`);
const QUOTE = /"/g;

// Only a field that needs quotes can hold a `,` or `;` a reader may split at, so only such a field pays for the
// search for formulas after them.
function csvText(text: string): string {
  if (!NEEDS_QUOTES.test(text)) return neutraliseFormula(text);
  return `"${neutraliseDelimitedFormulas(text).replace(QUOTE, '""')}"`;
}

function csvField(value: ExportCell): string {
  // An empty cell for a missing value, and for a number that is not one (as the Excel export does).
  if (value === null) return '';
  // Every text is neutralised, days included: a day a worse server sent may be any text (contract §8).
  if (typeof value === 'string') return csvText(value);
  if (typeof value === 'number' && !Number.isFinite(value)) return '';
  return String(value);
}

/** One CSV line, CRLF included. */
export function csvLine(record: ExportRecord): string {
  let line = '';
  for (let index = 0; index < record.length; index++) {
    if (index > 0) line += ',';
    line += csvField(record[index] ?? null);
  }
  return `${line}\r\n`;
}

const HEADER_LINE = csvLine(EXPORT_COLUMNS.map((column) => column.header));

/** What a CSV export starts with before its first row: the byte-order mark and the header line. */
export const CSV_PREAMBLE = BYTE_ORDER_MARK + HEADER_LINE;

/**
 * The CSV bytes of `records` (read in batches) under `headers` (default: the export's, contract §5). The first chunk (byte-order mark, header and the first rows)
 * comes only once the first rows have been read, so a source that fails at once fails before any byte. A source
 * error later destroys the stream with that error; destroying the stream calls the source's return().
 */
export function streamCsv(records: AsyncIterable<readonly ExportRecord[]>, headers?: readonly string[]): Readable {
  const reader = new RowReader(records);
  let text = headers === undefined ? CSV_PREAMBLE : BYTE_ORDER_MARK + csvLine(headers);
  return streamPulled(
    async () => {
      for (const record of await reader.read(ROWS_PER_CHUNK)) text += csvLine(record);
      const chunk = text;
      text = '';
      return chunk === '' ? null : chunk;
    },
    () => reader.close(),
  );
}
