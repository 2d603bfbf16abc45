// Record streams to byte streams for POST /api/companies/search/export (contract §5).
export { streamCsv } from './csv.js';
export { awaitFirstByte } from './first-byte.js';
export { recordBatchesOf } from './record-batches.js';
export { streamXlsx, type XlsxOptions } from './xlsx.js';
