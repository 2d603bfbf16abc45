// The columns lapse's own listing files (CSV and XLSX) may hold, by the names `--columns` takes. One entry a
// column: its header, its kind, and how a row gives its cell. The contract's export (contract §5) keeps its own
// columns; here its cells are reused by header, and the day-dependent ones are read for the listing's own day.
import { InvalidArgumentError } from 'commander';
import {
  ageingBucketOf,
  type CalendarDay,
  daysBetween,
  describeAgeingBucket,
  EXPORT_COLUMNS,
  type ExportCell,
  type ExportCellKind,
  type ExportHeader,
  isExpiredOn,
  type Lifecycle,
  renewalDayOf,
  type SearchCompanyDto,
} from '../../contract/index.js';
import { type SheetColumn, tagsCell } from '../../spreadsheet/index.js';

/** A listed company and what its file row may need beyond the search row. */
export interface FileRow {
  company: SearchCompanyDto;
  lifecycle: Lifecycle;
  /** From GET /api/companies/{id}: read only when a chosen column needs it. */
  details?: { licenseStartDate: string | null; timeZoneId: string | null } | undefined;
  /** The resource id of the company's reseller, from the /my tree: read only when chosen. */
  resellerId?: string | null | undefined;
}

/** What a column needs read besides the listing: a request per company, or the tree of companies. */
export type ColumnNeed = 'details' | 'tree';

export interface FileColumn {
  /** The name `--columns` takes. */
  name: string;
  header(asOf: CalendarDay): string;
  kind: ExportCellKind;
  value(row: FileRow, asOf: CalendarDay): ExportCell;
  /** For `--columns help`. */
  about: string;
  needs?: ColumnNeed;
}

const exportValue = (header: ExportHeader) => {
  const column = EXPORT_COLUMNS.find((candidate) => candidate.header === header);
  if (column === undefined) throw new Error(`no export column ${header}`);
  return (row: FileRow) => column.value(row.company);
};

/** A column that is one of the export's, under the export's header. */
function fromExport(name: string, header: ExportHeader, kind: ExportCellKind, about: string): FileColumn {
  return { name, header: () => header, kind, value: exportValue(header), about };
}

const renewalDay = (row: FileRow) => renewalDayOf(row.company.licenseEndDate);
const day = (iso: string | null | undefined) => (iso === null || iso === undefined ? null : iso.slice(0, 10));

/** Days from the renewal day to D when expired on D (overdue), else from D to it (left); null on the other side. */
function daysCell(row: FileRow, asOf: CalendarDay, isOverdue: boolean): number | null {
  const renewal = renewalDay(row);
  if (renewal === null || isExpiredOn(renewal, asOf) !== isOverdue) return null;
  return isOverdue ? daysBetween(renewal, asOf) : daysBetween(asOf, renewal);
}

/** Every column a listing file can hold, in the order `--columns help` lists them. */
export const FILE_COLUMNS: readonly FileColumn[] = [
  fromExport('company-name', 'Company Name', 'text', 'the company'),
  fromExport('company-id', 'Company ID', 'text', "the company's resource id"),
  fromExport('reseller-name', 'Reseller Name', 'text', 'its reseller'),
  {
    name: 'reseller-id',
    header: () => 'Reseller ID',
    kind: 'text',
    value: (row) => row.resellerId ?? null,
    about: "its reseller's resource id (reads the tree of companies once)",
    needs: 'tree',
  },
  fromExport('industry', 'Industry', 'text', 'industry'),
  fromExport('licence-type', 'License Type', 'text', 'licence type'),
  {
    name: 'licence-type-id',
    header: () => 'License Type ID',
    kind: 'text',
    value: (row) => row.company.licenseTypeResourceId,
    about: "the licence type's resource id",
  },
  fromExport('target-users', 'Target Users', 'number', 'target users'),
  fromExport('inactive-users', 'Inactive Users', 'number', 'inactive target users'),
  fromExport('deleted-users', 'Deleted Users', 'number', 'deleted target users'),
  fromExport('monthly-users', 'Monthly Users', 'number', 'monthly active users'),
  fromExport('licence-limit', 'License Limit', 'number', 'the licence limit, or Unlimited'),
  {
    name: 'tags',
    header: () => 'Tags',
    kind: 'text',
    value: (row) => tagsCell(row.company.tags),
    about: 'the tags as a JSON array (["a,b","c"]); empty for none',
  },
  {
    name: 'licence-start',
    header: () => 'License Start',
    kind: 'date',
    value: (row) => day(row.details?.licenseStartDate),
    about: 'licence start day (reads each company: one request per row)',
    needs: 'details',
  },
  fromExport('renewal-date', 'Renewal Date', 'date', 'renewal day (UTC day of licenseEndDate)'),
  fromExport('date-created', 'Date Created', 'date', 'the day the company was created'),
  {
    name: 'expired',
    header: (asOf) => `Expired (as of ${asOf})`,
    kind: 'boolean',
    value: (row, asOf) => isExpiredOn(renewalDay(row), asOf),
    about: "expired on the listing's day: renewal day before it (contract §4)",
  },
  {
    name: 'ageing',
    header: () => 'Ageing',
    kind: 'text',
    value: (row, asOf) => {
      const bucket = ageingBucketOf(renewalDay(row), asOf);
      return bucket === undefined ? null : describeAgeingBucket(bucket);
    },
    about: 'ageing bucket (overdue 0–30 days, …, due 31–90 days); empty outside them',
  },
  {
    name: 'days-overdue',
    header: () => 'Days Overdue',
    kind: 'number',
    value: (row, asOf) => daysCell(row, asOf, true),
    about: "days since the renewal day, when expired on the listing's day",
  },
  {
    name: 'days-left',
    header: () => 'Days Left',
    kind: 'number',
    value: (row, asOf) => daysCell(row, asOf, false),
    about: "days from the listing's day to the renewal day (0: renews that day), when not expired",
  },
  {
    name: 'lifecycle-state',
    header: () => 'Lifecycle State',
    kind: 'text',
    value: (row) => row.lifecycle.state,
    about: "lapse's lifecycle state under the policy (--policy)",
  },
  {
    name: 'next-state-change',
    header: () => 'Next State Change',
    kind: 'date',
    value: (row) => row.lifecycle.nextChange,
    about: 'the day the lifecycle state next changes',
  },
  {
    name: 'time-zone',
    header: () => 'Time Zone',
    kind: 'text',
    value: (row) => row.details?.timeZoneId ?? null,
    about: "the company's time zone (reads each company: one request per row)",
    needs: 'details',
  },
  fromExport('server-expired', 'License Expired', 'boolean', "the server's licenceExpired: its UTC today"),
];

/** What a listing file holds without --columns. */
export const DEFAULT_FILE_COLUMNS: readonly string[] = [
  'company-name',
  'company-id',
  'reseller-name',
  'industry',
  'licence-type',
  'target-users',
  'inactive-users',
  'deleted-users',
  'monthly-users',
  'licence-limit',
  'tags',
  'renewal-date',
  'date-created',
  'expired',
  'ageing',
  'days-overdue',
  'days-left',
  'lifecycle-state',
  'next-state-change',
];

const COLUMNS_BY_NAME = new Map(FILE_COLUMNS.map((column) => [column.name, column]));

export function fileColumnsOf(names: readonly string[] = DEFAULT_FILE_COLUMNS): FileColumn[] {
  return names.map((name) => {
    const column = COLUMNS_BY_NAME.get(name);
    if (column === undefined) throw new Error(`no file column ${name}`);
    return column;
  });
}

/** The text `--columns help` prints: one column a line, its name and what it holds. */
export function describeFileColumns(): string {
  const width = Math.max(...FILE_COLUMNS.map((column) => column.name.length));
  const lines = FILE_COLUMNS.map((column) => {
    const mark = DEFAULT_FILE_COLUMNS.includes(column.name) ? '*' : ' ';
    return `${mark} ${column.name.padEnd(width)}  ${column.about}`;
  });
  return `${lines.join('\n')}\n(* in the file without --columns)\n`;
}

/**
 * `--columns a,b,c`: the names, in order, each known and given once. `help` prints the list and exits, as
 * --help does; anything else wrong is one line naming the valid names.
 */
export function parseColumnsOption(text: string): string[] {
  if (text.trim() === 'help') {
    process.stdout.write(describeFileColumns());
    process.exit(0);
  }
  const names = text.split(',').map((name) => name.trim());
  const valid = FILE_COLUMNS.map((column) => column.name).join(', ');
  for (const name of names) {
    if (!COLUMNS_BY_NAME.has(name)) throw new InvalidArgumentError(`unknown column "${name}": one of ${valid}`);
  }
  const repeated = names.find((name, index) => names.indexOf(name) !== index);
  if (repeated !== undefined) throw new InvalidArgumentError(`column "${repeated}" is named twice`);
  return names;
}

/** The sheet columns of a file's columns on day D. */
export function sheetColumnsOf(columns: readonly FileColumn[], asOf: CalendarDay): SheetColumn[] {
  return columns.map((column) => ({ header: column.header(asOf), kind: column.kind }));
}

export function fileRecordOf(columns: readonly FileColumn[], row: FileRow, asOf: CalendarDay): ExportCell[] {
  return columns.map((column) => column.value(row, asOf));
}
