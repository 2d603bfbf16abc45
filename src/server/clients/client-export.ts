// POST /api/companies/clients/search/export: a customer's clients as CSV (contract §5's CSV rules: RFC 4180, CRLF,
// a byte-order mark, text neutralised against formulas). A customer holds a handful of clients, so the file is
// built whole.
import type { FastifyReply } from 'fastify';
import { CLIENT_EXPORT_HEADERS, canonicalExportType, EXPORT_CONTENT_TYPES, HEADERS } from '../../contract/index.js';
import { csvLine } from '../../spreadsheet/index.js';
import { ApiError } from '../errors.js';
import { type ClientRow, searchClientDtoOf } from './client-records.js';

export function sendClientExport(reply: FastifyReply, exportType: string, rows: readonly ClientRow[]) {
  const type = canonicalExportType(exportType);
  if (type !== 'CSV') {
    const message =
      type === undefined ? `"${exportType.slice(0, 16)}" is not CSV or Excel` : 'clients export as CSV only';
    throw ApiError.invalidRequest([`exportType: ${message}`]);
  }
  let text = `\uFEFF${csvLine(CLIENT_EXPORT_HEADERS)}`;
  for (const row of rows) {
    const dto = searchClientDtoOf(row);
    text += csvLine([dto.clientName, dto.clientId, dto.statusName, dto.createTime.slice(0, 10)]);
  }
  return reply
    .type(EXPORT_CONTENT_TYPES.CSV)
    .header('content-disposition', 'attachment; filename="Clients.csv"')
    .header(HEADERS.totalCount, String(rows.length))
    .send(text);
}
