// contract §5: the export's columns, in order, and how each is read from a SearchCompanyDto.
import type { SearchCompanyDto } from './company-dto.js';
import { licenceLimitCell } from './licence-rules.js';

export type ExportCellKind = 'text' | 'number' | 'date' | 'boolean';

/** A cell's value: text, a number, a `YYYY-MM-DD` day, a boolean, or null for an empty cell. */
export type ExportCell = string | number | boolean | null;

/** One exported row: its cells in the order of EXPORT_COLUMNS. */
export type ExportRecord = readonly ExportCell[];

export interface ExportColumn {
  header: string;
  kind: ExportCellKind;
  value(company: SearchCompanyDto): ExportCell;
}

const day = (iso: string | null) => (iso === null ? null : iso.slice(0, 10));

export const EXPORT_COLUMNS = [
  { header: 'Company Name', kind: 'text', value: (c) => c.companyName },
  { header: 'Company ID', kind: 'text', value: (c) => c.companyResourceId },
  { header: 'Reseller Name', kind: 'text', value: (c) => c.resellerName },
  { header: 'Industry', kind: 'text', value: (c) => c.industryName },
  { header: 'License Type', kind: 'text', value: (c) => c.licenseTypeName },
  { header: 'Target Users', kind: 'number', value: (c) => c.targetUserCount },
  { header: 'Inactive Users', kind: 'number', value: (c) => c.inactiveTargetUserCount },
  { header: 'Deleted Users', kind: 'number', value: (c) => c.deletedTargetUserCount },
  { header: 'Monthly Users', kind: 'number', value: (c) => c.monthlyActiveUserCount },
  {
    header: 'License Limit',
    kind: 'number',
    // A number when limited, the text "Unlimited" otherwise: serialisers write strings as text cells.
    value: (c) => licenceLimitCell(c.isNumberOfUsersLimited, Number(c.numberOfUsers)),
  },
  { header: 'Tags', kind: 'text', value: (c) => c.tags.join(', ') },
  { header: 'Renewal Date', kind: 'date', value: (c) => day(c.licenseEndDate) },
  { header: 'Date Created', kind: 'date', value: (c) => day(c.createTime) },
  { header: 'License Expired', kind: 'boolean', value: (c) => c.licenceExpired },
] as const satisfies readonly ExportColumn[];

/** The export's column headers (contract §5). */
export type ExportHeader = (typeof EXPORT_COLUMNS)[number]['header'];

/** A company's exported row. */
export function exportRecordOf(company: SearchCompanyDto): ExportRecord {
  return EXPORT_COLUMNS.map((column) => column.value(company));
}

export const EXPORT_CONTENT_TYPES = {
  CSV: 'text/csv; charset=utf-8',
  Excel: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;

export const EXPORT_FILE_NAMES = { CSV: 'Companies.csv', Excel: 'Companies.xlsx' } as const;

/** contract §5: the characters a spreadsheet may run a cell as a formula for, when the cell starts with one. */
export const FORMULA_START_CHARACTERS = ['=', '+', '-', '@', '\t', '\r'] as const;
/** The same, as a regular expression's bracket (read alike by JavaScript and by PostgreSQL's regular expressions). */
export const FORMULA_START = `[${FORMULA_START_CHARACTERS.map((character) => (character === '-' ? '\\-' : character)).join('')}]`;
const STARTS_AS_FORMULA = new RegExp(`^${FORMULA_START}`);
// A reader that splits on `;` (Excel in many European locales, LibreOffice) or on every `,` starts a cell after
// each one, whatever the quoting: the raw bytes there may be doubled quotes before the formula character.
const SPLIT_STARTS_AS_FORMULA = new RegExp(`[,;](?="*${FORMULA_START})`, 'g');
const HAS_SPLIT_FORMULA = new RegExp(`[,;]"*${FORMULA_START}`);

/** contract §5: a text cell starting with a formula character is prefixed with `'` so no spreadsheet runs it. */
export function neutraliseFormula(text: string): string {
  return STARTS_AS_FORMULA.test(text) ? `'${text}` : text;
}

/**
 * The same rule for a text written into delimited text (CSV), where a reader may also start a cell after any
 * `,` or `;` inside it: each such cell that would start with a formula character gets its `'` too.
 */
export function neutraliseDelimitedFormulas(text: string): string {
  const cell = neutraliseFormula(text);
  return HAS_SPLIT_FORMULA.test(cell) ? cell.replace(SPLIT_STARTS_AS_FORMULA, "$&'") : cell;
}

const NEUTRALISED_START = new RegExp(`^'(?=${FORMULA_START})`);
const NEUTRALISED_AFTER_SPLIT = new RegExp(`([,;])'(?="*${FORMULA_START})`, 'g');

/**
 * The text neutraliseDelimitedFormulas was given, back from what it wrote: what an import of an exported file
 * reads. (A text that held such a `'` of its own loses it: the price of a file no spreadsheet runs.)
 */
export function restoreDelimitedFormulas(cell: string): string {
  return cell.replace(NEUTRALISED_START, '').replace(NEUTRALISED_AFTER_SPLIT, '$1');
}

/** contract §5: past this many data rows an Excel export continues on the next sheet. */
export const EXCEL_MAX_DATA_ROWS = 1_048_575;
