// lapse's own CSV and XLSX files of a listing or a roll-up, and what they say about themselves: an "About" sheet
// in XLSX and a `<file>.manifest.json` beside a CSV regular file (what was listed, on which day in which zone,
// over what scope and segment, from which server, how, how many rows, which lapse, when, and the CSV's SHA-256).
import type { Readable } from 'node:stream';
import type { CalendarDay, ExportRecord } from '../../contract/index.js';
import {
  batchOf,
  type SheetLayout,
  type SpreadsheetFormat,
  sheetLayoutOf,
  streamCsv,
  streamWorkbook,
  type WorkbookSheet,
} from '../../spreadsheet/index.js';
import { type Destination, writeOutput } from './destination.js';

/** What a file says about itself, in the About sheet and the manifest. */
export interface FileFacts {
  /** What was listed: `expired`, `renewals 30d`, `companies by reseller`, … */
  listing: string;
  asOf: CalendarDay;
  timeZone: string;
  scope: string;
  companyId: string | null;
  /** The segment and filter flags given (none: `{}`). */
  filter: Readonly<Record<string, unknown>>;
  server: string;
  strategy: { name: string; reason: string } | null;
  /** Data rows in the file. */
  rows: number;
  /** Rows before --limit cut them. */
  matched: number;
  columns: readonly string[];
  lapseVersion: string;
  generatedAt: string;
  /** Said when the file holds lifecycle columns. */
  policy?: unknown;
}

/** One profile's facts in a file merged from several: those the profiles do not share, or why it failed. */
export type ProfileFacts = { profile: string } & (Partial<FileFacts> | { error: string });

/**
 * What a file merged from several profiles (--profiles) says about itself: the facts every profile shares, the
 * file's own (rows, matched, columns, generatedAt), and `profiles`, each one's other facts in the order named.
 */
export type MergedFileFacts = Partial<FileFacts> &
  Pick<FileFacts, 'listing' | 'rows' | 'matched' | 'columns' | 'generatedAt'> & { profiles: ProfileFacts[] };

/** The manifest of a CSV file: its facts, then its format and the SHA-256 of its bytes. */
export function manifestOf(facts: FileFacts | MergedFileFacts, sha256: string): string {
  return `${JSON.stringify({ ...facts, format: 'csv', sha256 }, null, 2)}\n`;
}

const ABOUT_LAYOUT = sheetLayoutOf(
  [
    { header: 'Field', kind: 'text' },
    { header: 'Value', kind: 'text' },
  ],
  'About',
  { isNeutralised: false },
);

const textOf = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** The About sheet: one row a fact, its value as text (objects as JSON). */
export function aboutSheet(facts: FileFacts | MergedFileFacts, name = 'About'): WorkbookSheet {
  const records = Object.entries(facts)
    .filter(([, value]) => value !== undefined)
    .map(([field, value]) => [field, value === null ? null : textOf(value)]);
  return { name, layout: ABOUT_LAYOUT, records };
}

/** A sheet of lapse's own: text cells exactly as the data, since an inline string never runs as a formula. */
export function ownSheetLayout(columns: SheetLayout['columns'], title: string): SheetLayout {
  return sheetLayoutOf(columns, title, { isNeutralised: false });
}

export interface OwnFile {
  format: SpreadsheetFormat;
  facts: FileFacts | MergedFileFacts;
  /** XLSX: the data sheets, then About. CSV: the first sheet's rows under its headers. */
  sheets: readonly WorkbookSheet[];
}

function fileStream(file: OwnFile): Readable {
  if (file.format === 'xlsx') return streamWorkbook([...file.sheets, aboutSheet(file.facts)]);
  const [sheet] = file.sheets;
  if (sheet === undefined) throw new RangeError('a file needs a sheet');
  const headers = sheet.layout.columns.map((column) => column.header);
  return streamCsv(batchOf(sheet.records as readonly ExportRecord[]), headers);
}

/** Writes the file; a CSV regular file gets its manifest, renamed into place just before the file. */
export function writeOwnFile(destination: Destination, file: OwnFile): Promise<void> {
  const sidecar = file.format === 'csv' ? { contentOf: (sha256: string) => manifestOf(file.facts, sha256) } : undefined;
  return writeOutput(destination, fileStream(file), sidecar);
}
