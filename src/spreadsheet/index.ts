// Export records to CSV and Excel byte streams (contract §5): the server's export route and the CLI's local
// files write with the same code.

export { type SpreadsheetFormat, streamRecords, streamSpreadsheet } from './company-spreadsheet.js';
export { CSV_PREAMBLE, csvLine, QUOTED_FIELD_CHARACTERS, streamCsv } from './csv.js';
export { batchOf, recordBatchesOf } from './record-batches.js';
export { MAX_SHEET_NAME_LENGTH, uniqueSheetNames } from './sheet-names.js';
export { tagsCell, tagsOfCell } from './tag-cell.js';
export { streamWorkbook, type WorkbookSheet } from './workbook.js';
export { streamXlsx, type XlsxOptions } from './xlsx.js';
export {
  columnLetters,
  type SheetColumn,
  type SheetLayout,
  type SheetLayoutOptions,
  sheetLayoutOf,
  xmlText,
} from './xlsx-cells.js';
export { contentTypesXml, ROOT_RELS_XML, STYLES_XML, workbookRelsXml } from './xlsx-package.js';
