// What POST /api/companies/search/export adds to the spreadsheet writers (src/spreadsheet): it waits for the
// first byte, so an early failure is still a JSON answer (contract §5).
export { awaitFirstByte } from './first-byte.js';
