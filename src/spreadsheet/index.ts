// Export records to CSV and Excel byte streams (contract §5): the server's export route and the CLI's local
// files write with the same code.

export { type SpreadsheetFormat, streamRecords, streamSpreadsheet } from './company-spreadsheet.js';
export { CSV_PREAMBLE, csvLine, QUOTED_FIELD_CHARACTERS, streamCsv } from './csv.js';
export { batchOf, recordBatchesOf } from './record-batches.js';
export { streamXlsx, type XlsxOptions } from './xlsx.js';
export { columnLetters, type SheetColumn, type SheetLayout, sheetLayoutOf, xmlText } from './xlsx-cells.js';
export { contentTypesXml, ROOT_RELS_XML, STYLES_XML, workbookRelsXml } from './xlsx-package.js';
