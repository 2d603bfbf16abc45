// The local server behind `lapse ui`: the page's static files and a small JSON API (/ui-api/*) answered through
// the SDK in this process, so the client secret never reaches the browser. Loopback only, no CORS, strict CSP.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { streamSpreadsheet } from '../cli/output/index.js';
import { ForbiddenError, type LapseClient } from '../client/index.js';
import {
  type DashboardSession,
  DOWNLOAD_FORMATS,
  type DownloadFormat,
  EXPORT_CONTENT_TYPES,
} from '../contract/index.js';
import { cutCompanyPage } from './company-page.js';
import { parseCompanyQuery, parseDayChoice, QueryError } from './company-query.js';
import type { Portfolio } from './portfolio.js';
import { sendStaticFile } from './static-files.js';
import { describeUiError } from './ui-error.js';

export interface UiServerOptions {
  client: LapseClient;
  portfolio: Portfolio;
  baseUrl: string;
  companyId: string | undefined;
  /** The built page (dist/web). */
  webRoot: string;
  /** 0 picks a free port. */
  port: number;
}

export interface UiServer {
  url: string;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';

const SECURITY_HEADERS = {
  'content-security-policy': [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; '),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

function sendJson(response: ServerResponse, httpStatus: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(httpStatus, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  response.end(text);
}

async function* rowsOf<T>(rows: readonly T[]): AsyncGenerator<T> {
  yield* rows;
}

export async function startUiServer(options: UiServerOptions): Promise<UiServer> {
  const { client, portfolio } = options;
  let role: string | undefined;
  let origin = '';
  let ownHosts = new Set<string>();

  async function readSession(): Promise<DashboardSession> {
    const { claims } = await client.whoami();
    role = claims.role;
    return {
      baseUrl: options.baseUrl,
      companyName: claims.user_company_name ?? null,
      role: claims.role ?? null,
      companyId: options.companyId ?? null,
    };
  }

  async function sendExport(params: URLSearchParams, response: ServerResponse): Promise<void> {
    const format = params.get('format') as DownloadFormat;
    if (!DOWNLOAD_FORMATS.includes(format))
      throw new QueryError(`format must be one of ${DOWNLOAD_FORMATS.join(', ')}`);
    const query = parseCompanyQuery(params);
    const { info, rows } = await portfolio.viewRows(query);
    const fileName = `lapse-${query.view}-${info.asOf}.${format}`;
    response.writeHead(200, {
      'content-type': EXPORT_CONTENT_TYPES[format === 'csv' ? 'CSV' : 'Excel'],
      'content-disposition': `attachment; filename="${fileName}"`,
      'cache-control': 'no-store',
      'x-total-count': String(rows.length),
    });
    // contract §5 columns, by the same writers as the API's export: the file holds exactly the filtered rows.
    await pipeline(streamSpreadsheet(format, rowsOf(rows.map((company) => company.dto))), response);
  }

  async function answerApi(request: IncomingMessage, url: URL, response: ServerResponse): Promise<void> {
    const route = `${request.method} ${url.pathname}`;
    switch (route) {
      case 'GET /ui-api/session':
        return sendJson(response, 200, await readSession());
      case 'GET /ui-api/summary':
        return sendJson(
          response,
          200,
          await portfolio.summarise(
            portfolio.resolveDay(parseDayChoice(url.searchParams)),
            url.searchParams.get('reseller') ?? '',
          ),
        );
      case 'GET /ui-api/companies': {
        const query = parseCompanyQuery(url.searchParams);
        return sendJson(response, 200, cutCompanyPage(query, await portfolio.viewRows(query)));
      }
      case 'GET /ui-api/export':
        return sendExport(url.searchParams, response);
      case 'POST /ui-api/refresh':
        // Another site's page could post here; only this page's own origin may drop the listings.
        if (request.headers.origin !== origin) return sendJson(response, 403, { error: 'cross-origin request' });
        portfolio.refresh();
        response.writeHead(204).end();
        return;
      default:
        return sendJson(response, 404, { error: `no route ${route}` });
    }
  }

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    // A page on another site that rebinds its own host name to 127.0.0.1 still sends that name: refuse it.
    if (!ownHosts.has(request.headers.host ?? '')) {
      response.writeHead(421).end('misdirected request');
      return;
    }
    const url = new URL(request.url ?? '/', origin);
    if (url.pathname.startsWith('/ui-api/')) {
      try {
        await answerApi(request, url, response);
      } catch (error) {
        // The Forbidden message depends on the role; learn it when no page has asked for the session yet.
        if (error instanceof ForbiddenError && role === undefined) await readSession().catch(() => undefined);
        const described = describeUiError(error, { baseUrl: options.baseUrl, companyId: options.companyId, role });
        if (response.headersSent) response.destroy(error instanceof Error ? error : undefined);
        else sendJson(response, described.httpStatus, described.body);
      }
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    if (!(await sendStaticFile(options.webRoot, url.pathname, response))) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found');
    }
  }

  const server = createServer((request, response) => {
    answer(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500).end();
      else response.destroy(error instanceof Error ? error : undefined);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject).listen(options.port, HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  origin = `http://${HOST}:${port}`;
  ownHosts = new Set([`${HOST}:${port}`, `localhost:${port}`]);
  return {
    url: `${origin}/`,
    close: () =>
      new Promise((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
