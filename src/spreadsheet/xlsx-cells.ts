// The worksheet rows of the Excel export as SpreadsheetML: real number, date and boolean cells, inline strings
// (shared strings would need the whole file in memory), every text made valid XML and neutralised (contract §5).
import {
  daysBetween,
  EXPORT_COLUMNS,
  type ExportCell,
  type ExportCellKind,
  type ExportRecord,
  neutraliseFormula,
  parseDay,
} from '../contract/index.js';

/** Cell style ids, as numbered in the package's styles part. */
export const CELL_STYLE = { header: 1, date: 2 } as const;

/** `A`, `B`, … `Z`, `AA`: the column part of a cell reference, for a 0-based column index. */
export function columnLetters(index: number): string {
  const letter = String.fromCharCode(65 + (index % 26));
  return index < 26 ? letter : columnLetters(Math.floor(index / 26) - 1) + letter;
}

// XML 1.0 forbids these code points outright; they cannot even be escaped.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching exactly these control characters is the point
const FORBIDDEN = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/g;
// Besides XML's own specials: CR, which XML parsers would turn into LF, and text that looks like the
// `_xHHHH_` escape Excel decodes in strings (ECMA-376 ST_Xstring), whose underscore must be escaped itself.
const SPECIAL = /[&<>"\r]|_(?=x[0-9A-Fa-f]{4}_)/g;
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\r': '&#13;',
  _: '_x005F_',
};

/**
 * Text as the content of a `<t>` element: forbidden characters dropped, escaped, and formulas neutralised unless
 * `isNeutralised` is false (an inline string is never run as a formula; the `'` is for the contract's export).
 */
export function xmlText(text: string, isNeutralised = true): string {
  const kept = text.replace(FORBIDDEN, '');
  const safe = isNeutralised ? neutraliseFormula(kept) : kept;
  return safe.replace(SPECIAL, (special) => ESCAPES[special] ?? '');
}

// Serial day 0 of Excel's 1900 date system, as Excel counts from March 1900 on (its 1900-02-29 is fictitious).
const EXCEL_DAY_ZERO = '1899-12-30';

/** The Excel serial day of a `YYYY-MM-DD` day, or undefined when the text is not a real day. */
export function excelSerialDay(day: string): number | undefined {
  const valid = parseDay(day);
  return valid === undefined ? undefined : daysBetween(EXCEL_DAY_ZERO, valid);
}

// Most texts need no work at all: one test finds the rest (white space at an end needs xml:space="preserve").
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching exactly these control characters is the point
const NEEDS_CARE = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF&<>"\r]|_x[0-9A-Fa-f]{4}_|^\s|\s$/;

function textCell(reference: string, text: string, style = '', isNeutralised = true): string {
  if (text === '') return '';
  const open = `<c r="${reference}"${style} t="inlineStr"><is>`;
  const isPlain = !NEEDS_CARE.test(text) && (!isNeutralised || neutraliseFormula(text) === text);
  if (isPlain) return `${open}<t>${text}</t></is></c>`;
  // Without xml:space="preserve" readers may trim leading/trailing white space or line breaks.
  const space = /^\s|\s$/.test(text) ? ' xml:space="preserve"' : '';
  return `${open}<t${space}>${xmlText(text, isNeutralised)}</t></is></c>`;
}

function valueCell(reference: string, value: ExportCell, isDate: boolean, isNeutralised: boolean): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? `<c r="${reference}"><v>${value}</v></c>` : '';
  // Real booleans (t="b"): spreadsheets filter and count them as TRUE/FALSE rather than as words.
  if (typeof value === 'boolean') return `<c r="${reference}" t="b"><v>${value ? 1 : 0}</v></c>`;
  const serial = isDate ? excelSerialDay(value) : undefined;
  if (serial !== undefined) return `<c r="${reference}" s="${CELL_STYLE.date}"><v>${serial}</v></c>`;
  return textCell(reference, value, '', isNeutralised);
}

/** A worksheet's column: its header and the kind of its cells. */
export interface SheetColumn {
  header: string;
  kind: ExportCellKind;
}

/** The columns of a workbook's sheets and what is derived from them once. */
export interface SheetLayout {
  columns: readonly SheetColumn[];
  /** "Companies": the first sheet's name, then "Companies (2)" and so on. */
  title: string;
  letters: readonly string[];
  isDate: readonly boolean[];
  lastColumn: string;
  /** Row 1: the column headers, bold. */
  headerRowXml: string;
  /** Texts starting with a formula character get a `'` (contract §5); lapse's own files leave them as they are. */
  isNeutralised: boolean;
}

export interface SheetLayoutOptions {
  /** Default true, as the contract's export; false for files whose text cells must read exactly as the data. */
  isNeutralised?: boolean;
}

export function sheetLayoutOf(
  columns: readonly SheetColumn[],
  title = 'Companies',
  options: SheetLayoutOptions = {},
): SheetLayout {
  const letters = columns.map((_, index) => columnLetters(index));
  const isNeutralised = options.isNeutralised ?? true;
  return {
    columns,
    title,
    isNeutralised,
    letters,
    isDate: columns.map((column) => column.kind === 'date'),
    lastColumn: letters[letters.length - 1] ?? 'A',
    headerRowXml: `<row r="1">${columns
      .map((column, index) => textCell(`${letters[index]}1`, column.header, ` s="${CELL_STYLE.header}"`, isNeutralised))
      .join('')}</row>`,
  };
}

/** contract §5: the export's own columns. */
export const EXPORT_LAYOUT = sheetLayoutOf(EXPORT_COLUMNS);

/** One worksheet row of a record, at a 1-based row number. */
export function recordRowXml(rowNumber: number, record: ExportRecord, layout: SheetLayout = EXPORT_LAYOUT): string {
  let cells = '';
  for (let index = 0; index < record.length; index++) {
    const reference = `${layout.letters[index]}${rowNumber}`;
    cells += valueCell(reference, record[index] ?? null, layout.isDate[index] === true, layout.isNeutralised);
  }
  return `<row r="${rowNumber}">${cells}</row>`;
}
