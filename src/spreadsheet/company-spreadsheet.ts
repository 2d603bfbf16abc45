// Companies as a CSV or Excel file (contract §5), for the CLI's files and the dashboard's downloads: the cells and
// writers of the server's export.
import type { Readable } from 'node:stream';
import type { ExportRecord, SearchCompanyDto } from '../contract/index.js';
import { streamCsv } from './csv.js';
import { recordBatchesOf } from './record-batches.js';
import { streamXlsx } from './xlsx.js';
import type { SheetLayout } from './xlsx-cells.js';

export type SpreadsheetFormat = 'csv' | 'xlsx';

export function streamSpreadsheet(format: SpreadsheetFormat, rows: AsyncIterable<SearchCompanyDto>): Readable {
  const records = recordBatchesOf(rows);
  return format === 'csv' ? streamCsv(records) : streamXlsx(records);
}

/** Records under columns of their own (a layout's headers and kinds) as a CSV or Excel file. */
export function streamRecords(
  format: SpreadsheetFormat,
  layout: SheetLayout,
  records: AsyncIterable<readonly ExportRecord[]>,
): Readable {
  return format === 'csv'
    ? streamCsv(
        records,
        layout.columns.map((column) => column.header),
      )
    : streamXlsx(records, { layout });
}
