// The local server behind `lapse ui`: the page's static files and its JSON API (/ui-api/*). Loopback only, no
// CORS, strict CSP, and only its own host names answered.
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { LapseClient } from '../client/index.js';
import { DASHBOARD_QUERY_FORMATS } from '../contract/index.js';
import { apiRoutes, refuseRoute } from './api-routes.js';
import { parseQueryString } from './company-query.js';
import { createHistoryAccess, type HistoryAccess } from './history-access.js';
import type { Portfolio } from './portfolio.js';
import { refuseCrossSite, refuseMalformedEscape } from './request-guards.js';
import { staticFileRoutes } from './static-files.js';

export interface DashboardAppOptions {
  client: LapseClient;
  portfolio: Portfolio;
  baseUrl: string;
  companyId: string | undefined;
  /** The built page (dist/web). */
  webRoot: string;
  /** The history the Changes view reads and records to (none: the view says so). */
  history?: HistoryAccess | undefined;
}

export interface DashboardServerOptions extends DashboardAppOptions {
  /** 0 picks a free port. */
  port: number;
}

export interface DashboardServer {
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

/** The port this request arrived on: the server's own, wherever it was told to listen. */
const portOf = (request: FastifyRequest) => request.raw.socket.localPort;
const originOf = (request: FastifyRequest) => `http://${HOST}:${portOf(request)}`;

/** Sends the security headers; refuses (421) a host name not the page's own, and says whether it did. */
function refuseForeignHost(request: FastifyRequest, reply: FastifyReply): boolean {
  reply.headers(SECURITY_HEADERS);
  // A page on another site that rebinds its own host name to 127.0.0.1 still sends that name: refuse it.
  const port = portOf(request);
  if (request.headers.host === `${HOST}:${port}` || request.headers.host === `localhost:${port}`) return false;
  reply.code(421).send('misdirected request');
  return true;
}

/** A request no route takes: a JSON 404 under /ui-api/, a missing file, or a method files are not read with. */
function answerUnrouted(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (request.url.startsWith('/ui-api/')) return refuseRoute(request, reply);
  if (request.method === 'GET' || request.method === 'HEAD') {
    return reply.code(404).type('text/plain; charset=utf-8').send('not found');
  }
  return reply.code(405).header('allow', 'GET').send();
}

/** The dashboard's server, not listening: what `startDashboardServer` starts. */
export async function buildDashboardApp(options: DashboardAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Routes see the path as a browser resolves it (dot segments removed), whatever the request line said.
    rewriteUrl: (request) => {
      const url = new URL(request.url ?? '/', `http://${HOST}`);
      return url.pathname + url.search;
    },
    routerOptions: { querystringParser: parseQueryString },
    // A GET route answers HEAD only where it says so: the API answers GET alone.
    exposeHeadRoutes: false,
    forceCloseConnections: true,
    // strictNumbers off: a parameter such as page=Infinity, which coercion turns into a number, still meets its
    // minimum and maximum (with it on, the validator takes no non-finite number for a number and skips both).
    ajv: { customOptions: { formats: DASHBOARD_QUERY_FORMATS, strictNumbers: false } },
    // A path that is not valid percent-encoding reaches neither a route nor the hooks: guard and answer it here.
    frameworkErrors: (_error, request, reply) => {
      if (!refuseForeignHost(request, reply) && !refuseMalformedEscape(request, reply)) answerUnrouted(request, reply);
    },
  });
  // No route reads a body; one sent anyway (a form posted from another site) is left unread, never refused as 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));
  // Answers are written as JSON.stringify writes them: the schemas describe them and the tests hold the answers to
  // them, but a value they did not foresee (a licence limit that is not a number) is sent, not turned into a 500.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.addHook('onRequest', async (request, reply) => {
    if (refuseForeignHost(request, reply)) return reply;
    if (refuseMalformedEscape(request, reply)) return reply;
    if (refuseCrossSite(request, reply, originOf(request))) return reply;
  });
  const history = options.history ?? createHistoryAccess(undefined);
  app.addHook('onClose', async () => history.close());
  await app.register(apiRoutes, { ...options, history, originOf });
  await app.register(staticFileRoutes, { webRoot: options.webRoot });
  app.setNotFoundHandler(answerUnrouted);
  app.setErrorHandler((_error, _request, reply) => reply.code(500).send());
  return app;
}

export async function startDashboardServer(options: DashboardServerOptions): Promise<DashboardServer> {
  const app = await buildDashboardApp(options);
  await app.listen({ host: HOST, port: options.port });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://${HOST}:${port}/`, close: () => app.close() };
}
