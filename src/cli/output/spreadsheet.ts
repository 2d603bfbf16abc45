// CSV and Excel files written on this machine, by the same writers the server's export uses (contract §5).
import type { Readable } from 'node:stream';
import type { SearchCompanyDto } from '../../contract/index.js';
import { recordBatchesOf, streamCsv, streamXlsx } from '../../spreadsheet/index.js';

export type SpreadsheetFormat = 'csv' | 'xlsx';

export function streamSpreadsheet(format: SpreadsheetFormat, rows: AsyncIterable<SearchCompanyDto>): Readable {
  const records = recordBatchesOf(rows);
  return format === 'csv' ? streamCsv(records) : streamXlsx(records);
}
