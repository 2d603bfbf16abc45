// Hands a listing to the chosen output format: table, json, csv or xlsx, on stdout or in a file.
import type { CalendarDay, SearchCompanyDto } from '../../contract/index.js';
import { streamSpreadsheet } from '../../spreadsheet/index.js';
import { UsageError } from '../exit-codes.js';
import { writeOutput } from './destination.js';
import { renderTable } from './table.js';

export { writeFileAtomically, writeOutput } from './destination.js';
export { describeDaysLeft, renderTable } from './table.js';

export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'xlsx'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface OutputTarget {
  format: OutputFormat;
  /** A file name; stdout when absent. */
  output: string | undefined;
}

export interface CompanyListOutput {
  companies: readonly SearchCompanyDto[];
  asOf: CalendarDay;
  /** The JSON document's fields around `companies` (strategy, reason, asOf, …), in order. */
  header: Record<string, unknown>;
}

async function* rowsOf(companies: readonly SearchCompanyDto[]): AsyncGenerator<SearchCompanyDto> {
  yield* companies;
}

export function assertWritable(target: OutputTarget): void {
  if (target.format === 'xlsx' && target.output === undefined && process.stdout.isTTY) {
    throw new UsageError('an xlsx file is binary: name it with --output, or redirect stdout');
  }
}

export async function writeCompanyList(target: OutputTarget, list: CompanyListOutput): Promise<void> {
  assertWritable(target);
  switch (target.format) {
    case 'json': {
      const document = { ...list.header, count: list.companies.length, companies: list.companies };
      return writeOutput(target.output, `${JSON.stringify(document, null, 2)}\n`);
    }
    case 'table':
      return writeOutput(target.output, renderTable(list.companies, list.asOf));
    default:
      return writeOutput(target.output, streamSpreadsheet(target.format, rowsOf(list.companies)));
  }
}
