// The human view of a listing: one line per company, columns aligned and fitted to the terminal's width (names
// are cut with "…" first), and a footer that says what the listing is.
import {
  type CalendarDay,
  daysBetween,
  licenceLimitOf,
  renewalDayOf,
  type SearchCompanyDto,
  UNLIMITED,
} from '../../contract/index.js';

/** "12 overdue", "today", "5 left" — measured from the listing's day D. */
export function describeDaysLeft(renewalDay: CalendarDay | null, asOf: CalendarDay): string {
  if (renewalDay === null) return 'open-ended';
  const days = daysBetween(asOf, renewalDay);
  if (days === 0) return 'today';
  return days < 0 ? `${-days} overdue` : `${days} left`;
}

function usersOverLimit(company: SearchCompanyDto): string {
  const limit = licenceLimitOf(company) ?? UNLIMITED.toLowerCase();
  return `${company.targetUserCount} / ${limit}`;
}

/** A column of a table of `T`s (companies, or rows that carry one). */
export interface TableColumn<T> {
  head: string;
  cell(row: T, asOf: CalendarDay): string;
  isRightAligned?: boolean;
  /** Names give way first when the table is wider than the terminal, down to this many characters. */
  shrinksTo?: number;
  /** When narrowed names are still too wide, columns are left out, lowest rank first. */
  dropRank?: number;
  /** Shown only when asked for (the creation day, for a listing of recently created companies). */
  isOptional?: boolean;
}

/** The columns of a listing of companies. */
export const COMPANY_COLUMNS: readonly TableColumn<SearchCompanyDto>[] = [
  { head: 'Company', cell: (company) => company.companyName, shrinksTo: 10 },
  { head: 'Company ID', cell: (company) => company.companyResourceId },
  { head: 'Created', cell: (company) => renewalDayOf(company.createTime) ?? '', isOptional: true },
  { head: 'Reseller', cell: (company) => company.resellerName ?? '', shrinksTo: 6, dropRank: 1 },
  { head: 'Renewal date', cell: (company) => renewalDayOf(company.licenseEndDate) ?? '' },
  {
    head: 'Days',
    cell: (company, asOf) => describeDaysLeft(renewalDayOf(company.licenseEndDate), asOf),
    isRightAligned: true,
  },
  { head: 'Users / limit', cell: usersOverLimit, isRightAligned: true, dropRank: 2 },
];

const GAP = '  ';

/** Characters as a terminal counts them, near enough: code points, not UTF-16 units. */
const lengthOf = (text: string) => [...text].length;

function fitCell(text: string, width: number, isRightAligned: boolean | undefined): string {
  const length = lengthOf(text);
  if (length > width) return `${[...text].slice(0, Math.max(0, width - 1)).join('')}…`;
  const padding = ' '.repeat(width - length);
  return isRightAligned ? padding + text : text + padding;
}

const lineWidth = (widths: readonly number[]) =>
  widths.reduce((sum, width) => sum + width, 0) + GAP.length * (widths.length - 1);

/** Each column as wide as its widest cell, then the names narrowed, one character at a time, until `maxWidth`. */
function narrowed<T>(
  all: readonly TableColumn<T>[],
  columns: readonly TableColumn<T>[],
  rows: readonly string[][],
  maxWidth: number | undefined,
): number[] {
  const widths = columns.map((column) =>
    Math.max(lengthOf(column.head), ...rows.map((row) => lengthOf(row[all.indexOf(column)] ?? ''))),
  );
  if (maxWidth === undefined) return widths;
  for (let excess = lineWidth(widths) - maxWidth; excess > 0; excess--) {
    let widest = -1;
    columns.forEach((column, index) => {
      const width = widths[index] ?? 0;
      if (column.shrinksTo !== undefined && width > column.shrinksTo && (widest < 0 || width > (widths[widest] ?? 0)))
        widest = index;
    });
    if (widest < 0) break;
    widths[widest] = (widths[widest] ?? 0) - 1;
  }
  return widths;
}

/** The columns shown and their widths: every column if the names can narrow enough, else fewer. */
function layout<T>(
  all: readonly TableColumn<T>[],
  rows: readonly string[][],
  options: TableOptions,
): { columns: TableColumn<T>[]; widths: number[] } {
  const maxWidth = options.width;
  let columns = all.filter((column) => !column.isOptional || options.showCreated);
  for (;;) {
    const widths = narrowed(all, columns, rows, maxWidth);
    const droppable = columns.filter((column) => column.dropRank !== undefined);
    if (maxWidth === undefined || lineWidth(widths) <= maxWidth || droppable.length === 0) return { columns, widths };
    const first = droppable.reduce((a, b) => ((a.dropRank ?? 0) <= (b.dropRank ?? 0) ? a : b));
    columns = columns.filter((column) => column !== first);
  }
}

export interface TableOptions {
  /** The terminal's width in characters; no limit when absent (a file, a pipe without $COLUMNS). */
  width?: number | undefined;
  /** Add the day each company was created. */
  showCreated?: boolean | undefined;
}

/** A table of any rows under `all` (optional columns shown as `options` says), fitted to `options.width`. */
export function renderRows<T>(
  all: readonly TableColumn<T>[],
  items: readonly T[],
  asOf: CalendarDay,
  options: TableOptions = {},
): string {
  const rows = items.map((item) => all.map((column) => column.cell(item, asOf)));
  const { columns, widths } = layout(all, rows, options);
  const line = (cells: readonly string[]) =>
    columns
      .map((column, index) => fitCell(cells[all.indexOf(column)] ?? '', widths[index] ?? 0, column.isRightAligned))
      .join(GAP)
      .trimEnd();
  return `${[line(all.map((column) => column.head)), ...rows.map(line)].join('\n')}\n`;
}

export function renderTable(
  companies: readonly SearchCompanyDto[],
  asOf: CalendarDay,
  options: TableOptions = {},
): string {
  return renderRows(COMPANY_COLUMNS, companies, asOf, options);
}
