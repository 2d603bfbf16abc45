// The page's JSON API under /ui-api/, answered through the SDK in this process so the client secret never reaches
// the browser. Each route declares its contract schemas; every failure becomes a UiError the page can show.
import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, type LapseClient } from '../client/index.js';
import {
  ApiHealthSchema,
  CompanyDetailSchema,
  CompanyPageSchema,
  DashboardRollUpSchema,
  type DashboardSession,
  DashboardSessionSchema,
  DashboardSummarySchema,
  type DetailQueryString,
  DetailQueryStringSchema,
  type DownloadQueryString,
  DownloadQueryStringSchema,
  EXPORT_CONTENT_TYPES,
  type RollUpQueryString,
  RollUpQueryStringSchema,
  type SummaryQueryString,
  SummaryQueryStringSchema,
  UiErrorSchema,
  type UiRefusal,
  UiRefusalSchema,
  type ViewQueryString,
  ViewQueryStringSchema,
} from '../contract/index.js';
import { streamSpreadsheet } from '../spreadsheet/index.js';
import { cutCompanyPage } from './company-page.js';
import { parseDayChoice, parseViewQuery, queryErrorOf } from './company-query.js';
import { renewalRoutes } from './company-renewal.js';
import { type HistoryRoutesOptions, historyRoutes } from './history-routes.js';
import type { Portfolio } from './portfolio.js';
import { refuseForeignOrigin } from './request-guards.js';
import { describeUiError } from './ui-error.js';

export interface ApiRoutesOptions extends HistoryRoutesOptions {
  client: LapseClient;
  portfolio: Portfolio;
  baseUrl: string;
  companyId: string | undefined;
  /** The page's own origin (`http://127.0.0.1:port`) for the request being answered. */
  originOf(request: FastifyRequest): string;
}

const failures = { '4xx': UiErrorSchema, '5xx': UiErrorSchema };

async function* rowsOf<T>(rows: readonly T[]): AsyncGenerator<T> {
  yield* rows;
}

/** A path under /ui-api/ that no route answers with this method. */
export function refuseRoute(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const refusal: UiRefusal = { error: `no route ${request.method} ${request.url.split('?')[0]}` };
  return reply.code(404).header('cache-control', 'no-store').send(refusal);
}

export async function apiRoutes(app: FastifyInstance, options: ApiRoutesOptions): Promise<void> {
  const { client, portfolio } = options;
  let role: string | undefined;

  async function readSession(): Promise<DashboardSession> {
    const { claims } = await client.whoami();
    role = claims.role;
    return {
      baseUrl: options.baseUrl,
      policy: portfolio.policy,
      companyName: claims.user_company_name ?? null,
      role: claims.role ?? null,
      companyId: options.companyId ?? null,
    };
  }

  app.addHook('onRequest', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
  });

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const querystring = request.routeOptions.schema?.querystring as TSchema | undefined;
    const failure =
      error.validation && error.validationContext === 'querystring' && querystring
        ? queryErrorOf(error.validation, querystring, request.query as Record<string, unknown>)
        : error;
    // The Forbidden message depends on the role; learn it when no page has asked for the session yet.
    if (failure instanceof ForbiddenError && role === undefined) await readSession().catch(() => undefined);
    const described = describeUiError(failure, { baseUrl: options.baseUrl, companyId: options.companyId, role });
    return reply.code(described.httpStatus).send(described.body);
  });

  app.get('/ui-api/session', { schema: { response: { 200: DashboardSessionSchema, ...failures } } }, readSession);

  app.get<{ Querystring: SummaryQueryString }>(
    '/ui-api/summary',
    { schema: { querystring: SummaryQueryStringSchema, response: { 200: DashboardSummarySchema, ...failures } } },
    (request) => portfolio.summarise(portfolio.resolveDay(parseDayChoice(request.query)), request.query.reseller ?? ''),
  );

  app.get<{ Querystring: ViewQueryString }>(
    '/ui-api/companies',
    { schema: { querystring: ViewQueryStringSchema, response: { 200: CompanyPageSchema, ...failures } } },
    async (request) => {
      const query = parseViewQuery(request.query);
      return cutCompanyPage(query, await portfolio.viewRows(query));
    },
  );

  app.get<{ Querystring: RollUpQueryString }>(
    '/ui-api/roll-up',
    { schema: { querystring: RollUpQueryStringSchema, response: { 200: DashboardRollUpSchema, ...failures } } },
    (request) => {
      const { query } = request;
      return portfolio.rollUp({
        ...parseDayChoice(query),
        groupBy: query.groupBy ?? 'reseller',
        withinDays: query.within ?? 30,
        reseller: query.reseller ?? '',
        licenceType: query.licenceType ?? '',
        state: query.state ?? '',
      });
    },
  );

  app.get<{ Params: { resourceId: string }; Querystring: DetailQueryString }>(
    '/ui-api/companies/:resourceId',
    {
      schema: {
        params: Type.Object({ resourceId: Type.String() }),
        querystring: DetailQueryStringSchema,
        response: { 200: CompanyDetailSchema, ...failures },
      },
    },
    (request) => portfolio.detail(request.params.resourceId, portfolio.resolveDay(parseDayChoice(request.query))),
  );
  app.get('/ui-api/health', { schema: { response: { 200: ApiHealthSchema, ...failures } } }, () =>
    portfolio.checkApi(),
  );
  app.get<{ Querystring: DownloadQueryString }>(
    '/ui-api/export',
    { schema: { querystring: DownloadQueryStringSchema, response: failures } },
    async (request, reply) => {
      const { format } = request.query;
      const query = parseViewQuery(request.query);
      const { info, rows } = await portfolio.viewRows(query);
      // contract §5 columns, by the same writers as the API's export: the file holds exactly the filtered rows.
      return reply
        .headers({
          'content-type': EXPORT_CONTENT_TYPES[format === 'csv' ? 'CSV' : 'Excel'],
          'content-disposition': `attachment; filename="lapse-${query.view}-${info.asOf}.${format}"`,
          'x-total-count': String(rows.length),
        })
        .send(streamSpreadsheet(format, rowsOf(rows.map((company) => company.dto))));
    },
  );

  app.post(
    '/ui-api/refresh',
    { schema: { response: { 204: Type.Null(), 403: UiRefusalSchema } } },
    async (request, reply) => {
      // Another site's page could post here; only this page's own origin may drop the listings.
      if (refuseForeignOrigin(request, reply, options.originOf(request))) return reply;
      portfolio.refresh();
      return reply.code(204).send();
    },
  );

  await renewalRoutes(app, options);
  await historyRoutes(app, options);

  // A known route with another method, or no such route.
  app.all('/ui-api/*', { schema: { response: { 404: UiRefusalSchema } } }, refuseRoute);
}
