// Hands a listing to the chosen output format: table, json, csv or xlsx, on stdout or in a file. JSON, CSV and
// XLSX carry data only; the table ends with a footer saying what the listing is.

import type { Readable } from 'node:stream';
import type { CalendarDay, SearchCompanyDto } from '../../contract/index.js';
import { type SpreadsheetFormat, streamSpreadsheet } from '../../spreadsheet/index.js';
import { UsageError } from '../exit-codes.js';
import { type Destination, resolveDestination, writeOutput } from './destination.js';
import { renderTable } from './table.js';

export {
  type Destination,
  type DestinationRules,
  describeDestination,
  resolveDestination,
  type Sidecar,
  STDOUT,
  sidecarPathOf,
  writeOutput,
} from './destination.js';
export {
  type ColumnNeed,
  DEFAULT_FILE_COLUMNS,
  describeFileColumns,
  FILE_COLUMNS,
  type FileColumn,
  type FileRow,
  fileColumnsOf,
  fileRecordOf,
  parseColumnsOption,
  sheetColumnsOf,
} from './file-columns.js';
export {
  aboutSheet,
  type FileFacts,
  type MergedFileFacts,
  manifestOf,
  type OwnFile,
  ownSheetLayout,
  type ProfileFacts,
  writeOwnFile,
} from './listing-file.js';
export { COMPANY_COLUMNS, describeDaysLeft, renderRows, renderTable, type TableColumn } from './table.js';

export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'xlsx'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutputTarget {
  format: OutputFormat;
  destination: Destination;
  /** The table's width limit: the terminal's, when the table goes to one. */
  width?: number | undefined;
}

/** What a listing is, for the table's footer and the JSON document's fields. */
export interface ListingDescription {
  asOf: CalendarDay;
  timeZone: string;
  /** "every company the credential sees", or the --company scope. */
  scope: string;
  /** Rows before --limit cut them. */
  matched: number;
  strategy?: { name: string; reason: string } | undefined;
}

export interface CompanyListOutput {
  companies: readonly SearchCompanyDto[];
  description: ListingDescription;
  /** The JSON document's fields before `count` and `companies`, in order. */
  header: Record<string, unknown>;
  /** The table shows each company's creation day. */
  showCreated?: boolean;
  /** The table's footer, when the caller says more than describeListing does. */
  footer?: readonly string[];
}

async function* rowsOf(companies: readonly SearchCompanyDto[]): AsyncGenerator<SearchCompanyDto> {
  yield* companies;
}

/** Companies already listed as a CSV or XLSX byte stream. */
export function spreadsheetOf(format: SpreadsheetFormat, companies: readonly SearchCompanyDto[]): Readable {
  return streamSpreadsheet(format, rowsOf(companies));
}

/** An xlsx file is never written onto a terminal. */
export function assertFormatFits(format: OutputFormat, destination: Destination): void {
  if (format === 'xlsx' && destination.kind === 'stdout' && process.stdout.isTTY) {
    throw new UsageError('an xlsx file is binary: name it with --output, or redirect stdout');
  }
}

/** Checks the target before any request: the file can be written and the format can go there. */
export async function resolveTarget(
  format: OutputFormat,
  output: string | undefined,
  width: number | undefined,
): Promise<OutputTarget> {
  const destination = await resolveDestination(output);
  assertFormatFits(format, destination);
  return { format, destination, width: destination.kind === 'stdout' ? width : undefined };
}

/** The table's footer: how many, on which day in which zone, over what, found how. */
export function describeListing(shown: number, description: ListingDescription): string[] {
  const count = shown === description.matched ? `${shown}` : `${shown} of ${description.matched}`;
  const lines = [
    `${count} ${description.matched === 1 ? 'company' : 'companies'} · as of ${description.asOf} (${description.timeZone}) · scope: ${description.scope}`,
  ];
  if (description.strategy) lines.push(`strategy ${description.strategy.name}: ${description.strategy.reason}`);
  return lines;
}

export async function writeCompanyList(target: OutputTarget, list: CompanyListOutput): Promise<void> {
  switch (target.format) {
    case 'json': {
      const { matched } = list.description;
      const document = {
        ...list.header,
        count: list.companies.length,
        ...(matched === list.companies.length ? {} : { matched }),
        companies: list.companies,
      };
      return writeOutput(target.destination, `${JSON.stringify(document, null, 2)}\n`);
    }
    case 'table': {
      const table = renderTable(list.companies, list.description.asOf, {
        width: target.width,
        showCreated: list.showCreated,
      });
      const footer = list.footer ?? describeListing(list.companies.length, list.description);
      return writeOutput(target.destination, `${table}\n${footer.join('\n')}\n`);
    }
    default:
      return writeOutput(target.destination, spreadsheetOf(target.format, list.companies));
  }
}
