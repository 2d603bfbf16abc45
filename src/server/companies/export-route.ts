// contract §5: POST /api/companies/search/export. The rows are exactly those that paging through search with the
// same body would give (one shared query builder), counted and read in one snapshot, streamed with backpressure
// from the database cursor to the socket (or, for CSV on PostgreSQL, written by the database: export-copy.ts);
// bounded in number (export-slots.ts) and cut when the client stops reading.
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply } from 'fastify';
import {
  canonicalExportType,
  ErrorResultSchema,
  EXPORT_CONTENT_TYPES,
  EXPORT_FILE_NAMES,
  type ExportBody,
  ExportBodySchema,
  type ExportRecord,
  type ExportType,
  HEADERS,
  PERMISSION,
} from '../../contract/index.js';
import { streamCsv, streamXlsx } from '../../spreadsheet/index.js';
import { callerOf, guard } from '../auth/index.js';
import type { Db, RowBatches, Storage } from '../db/index.js';
import { ApiError } from '../errors.js';
import { awaitFirstByte } from '../export/index.js';
import type { ServerContext } from '../server-context.js';
import { EXPORT_CELLS } from './company-records.js';
import { copiedCsv } from './export-copy.js';
import { createExportSlots } from './export-slots.js';
import { normaliseJsonBody, requestScope, ScopeHeadersSchema, ScopeQuerySchema, todayStartMs } from './routes.js';
import { type CompanyQuery, countMatching, parseCompanyQuery, selectExportRows } from './search-query.js';

/**
 * Rows per batch: one async step per batch on SQLite, one cursor round trip on PostgreSQL. An export whose client
 * has stopped reading holds its current batch, as database rows and then as cells, until the client reads again:
 * 50 such exports of SQLite peaked half as high again at 1,000 rows a batch as at 256, the page cache unchanged,
 * and a whole file streams as fast at either size (docs/decisions.md, "Main connection page cache").
 */
const CURSOR_CHUNK_ROWS = 256;

interface ExportSlice {
  offset: number;
  limit: number | undefined;
  rowCount: number;
}

function sliceOf(body: ExportBody, total: number): ExportSlice {
  if (body.reportAllPages === true) return { offset: 0, limit: undefined, rowCount: total };
  const offset = (body.pageNumber - 1) * body.pageSize;
  return { offset, limit: body.pageSize, rowCount: Math.max(0, Math.min(body.pageSize, total - offset)) };
}

async function* exportRecords(
  db: Db,
  batches: RowBatches,
  query: CompanyQuery,
  slice: ExportSlice,
): AsyncGenerator<ExportRecord[]> {
  let select = selectExportRows(db, query);
  if (slice.limit !== undefined) select = select.limit(slice.limit).offset(slice.offset);
  const context = { todayStartMs: query.todayStartMs };
  for await (const batch of batches(select, CURSOR_CHUNK_ROWS)) {
    yield batch.map((values) => EXPORT_CELLS.fromValues(values, context));
  }
}

/**
 * Runs `send` with the export's file (CSV or Excel bytes) and its row count, read in one snapshot of `storage`:
 * what the export route sends, and what the benchmarks' in-process floor reads the same way.
 */
export function withExportFile(
  storage: Storage,
  query: CompanyQuery,
  body: ExportBody,
  exportType: ExportType,
  config: Pick<ServerContext['config'], 'excelRowsPerSheet'>,
  send: (file: Readable, rowCount: number) => Promise<void>,
): Promise<void> {
  return storage.longReadSnapshot(async (db, batches, csvCopy) => {
    const slice = sliceOf(body, (await countMatching(db, query)).total);
    const records = () => exportRecords(db, batches, query, slice);
    const file =
      exportType === 'Excel'
        ? streamXlsx(records(), { maxDataRowsPerSheet: config.excelRowsPerSheet })
        : csvCopy
          ? copiedCsv(db, csvCopy, query, slice)
          : streamCsv(records());
    await send(file, slice.rowCount);
  });
}

/** An export refused for want of a slot is worth retrying this much later: exports take seconds, not minutes. */
const EXPORT_RETRY_AFTER_SECONDS = 5;

/**
 * Destroys `response` once its client has taken no bytes for `stallMs` (the response waits for a drain all that
 * time): a client that stops reading must not keep its export's database connection and snapshot. Returns what
 * stops watching.
 */
function destroyWhenStalled(response: ServerResponse, stallMs: number): () => void {
  const tickMs = Math.max(1, Math.ceil(stallMs / 4));
  let waitedMs = 0;
  const onDrain = () => {
    waitedMs = 0;
  };
  response.on('drain', onDrain);
  const ticker = setInterval(() => {
    waitedMs = response.writableNeedDrain ? waitedMs + tickMs : 0;
    if (waitedMs >= stallMs) response.destroy(new Error(`the client took no bytes for ${stallMs} ms`));
  }, tickMs);
  return () => {
    clearInterval(ticker);
    response.off('drain', onDrain);
  };
}

/**
 * Waits for the export's first bytes before anything is sent, so a failing query is still a JSON error; after
 * that, a failure destroys the connection (pipeline destroys every stream in it) and no client can take a cut
 * file for a whole one.
 */
async function sendExport(
  reply: FastifyReply,
  exportType: ExportType,
  file: Readable,
  rowCount: number,
  config: ServerContext['config'],
): Promise<void> {
  const body = await awaitFirstByte(file);
  reply.hijack();
  reply.raw.writeHead(200, {
    ...(reply.getHeaders() as Record<string, string>),
    'content-type': EXPORT_CONTENT_TYPES[exportType],
    'content-disposition': `attachment; filename="${EXPORT_FILE_NAMES[exportType]}"`,
    [HEADERS.totalCount]: String(rowCount),
  });
  const stopWatching = destroyWhenStalled(reply.raw, config.exportStallTimeoutMs);
  try {
    await pipeline(body, reply.raw);
  } catch (error) {
    reply.raw.destroy();
    // The client went away or stopped reading, or the read failed mid-stream: the response is already cut.
    reply.log.warn({ err: error }, 'export stream ended early');
  } finally {
    stopWatching();
  }
}

export async function exportRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const slots = createExportSlots({ perClient: context.config.exportsPerClient, total: context.config.exportsTotal });
  app.post(
    '/api/companies/search/export',
    {
      schema: {
        summary: 'Export the companies of a search as CSV or Excel',
        tags: ['companies'],
        security: [{ bearer: [] }],
        body: ExportBodySchema,
        headers: ScopeHeadersSchema,
        querystring: ScopeQuerySchema,
        produces: Object.values(EXPORT_CONTENT_TYPES),
        response: { '4xx': ErrorResultSchema, '5xx': ErrorResultSchema },
      },
      onRequest: guard(context, PERMISSION.export),
      preValidation: normaliseJsonBody,
    },
    async (request, reply) => {
      const body = request.body as ExportBody;
      const exportType = canonicalExportType(body.exportType.trim());
      if (!exportType) {
        throw ApiError.invalidRequest([`exportType: ${JSON.stringify(body.exportType)} is not CSV or Excel`]);
      }
      const caller = callerOf(request);
      const giveBack = slots.take(caller.clientId);
      if (!giveBack) throw ApiError.rateLimited(EXPORT_RETRY_AFTER_SECONDS);
      try {
        const query = parseCompanyQuery(body, await requestScope(context, request, caller), todayStartMs(context));
        await withExportFile(context.storage, query, body, exportType, context.config, (file, rowCount) =>
          sendExport(reply, exportType, file, rowCount, context.config),
        );
      } finally {
        giveBack();
      }
      return reply;
    },
  );
}
