// Companies as a CSV or Excel file (contract §5), for the CLI's files and the dashboard's downloads: the cells and
// writers of the server's export.
import type { Readable } from 'node:stream';
import type { ExportRecord, SearchCompanyDto } from '../contract/index.js';
import { streamCsv } from './csv.js';
import { recordBatchesOf } from './record-batches.js';
import { streamXlsx } from './xlsx.js';
import type { SpreadsheetColumn } from './xlsx-cells.js';

export type SpreadsheetFormat = 'csv' | 'xlsx';

export function streamSpreadsheet(format: SpreadsheetFormat, rows: AsyncIterable<SearchCompanyDto>): Readable {
  const records = recordBatchesOf(rows);
  return format === 'csv' ? streamCsv(records) : streamXlsx(records);
}

async function* batchOf(rows: readonly ExportRecord[]): AsyncGenerator<ExportRecord[]> {
  yield [...rows];
}

/** Rows already in hand under columns of their own (a roll-up, a listing with extra columns), in one sheet. */
export function streamTable(
  format: SpreadsheetFormat,
  columns: readonly SpreadsheetColumn[],
  rows: readonly ExportRecord[] | AsyncIterable<readonly ExportRecord[]>,
  sheetName: string,
): Readable {
  const records = Symbol.asyncIterator in rows ? rows : batchOf(rows as readonly ExportRecord[]);
  return format === 'csv'
    ? streamCsv(
        records,
        columns.map((column) => column.header),
      )
    : streamXlsx(records, { columns, sheetName });
}
