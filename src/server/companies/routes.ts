// contract §4–§6: the /api/companies routes. Each declares its TypeBox schema (validation, types, OpenAPI).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  COMPANY_SCOPE_QUERY,
  CompanyDtoSchema,
  ErrorResultSchema,
  HEADERS,
  MyCompanyNodeSchema,
  normaliseBodyKeys,
  PERMISSION,
  type SearchBody,
  SearchBodySchema,
  SearchPageSchema,
  ServiceResultSchema,
  success,
  utcDayStartOf,
} from '../../contract/index.js';
import type { Caller } from '../auth/index.js';
import { callerOf, guard } from '../auth/index.js';
import { CACHE_BUDGETS, createVersionedCache, dataVersionOf, jsonBytes } from '../cache/index.js';
import { requireJsonBody } from '../http/index.js';
import type { ServerContext } from '../server-context.js';
import { companyById, myCompanies } from './my-companies.js';
import { resolveScope, type Scope } from './scope.js';
import { type CountOf, searchPageBody } from './search-page.js';
import { type Counts, countMatching, parseCompanyQuery } from './search-query.js';

const errors = { '4xx': ErrorResultSchema, '5xx': ErrorResultSchema };
const security = [{ bearer: [] }];

export const ScopeHeadersSchema = Type.Object({
  [HEADERS.companyScope]: Type.Optional(
    Type.String({ description: 'Restrict to this company and the companies below it (contract §3).' }),
  ),
});
export const ScopeQuerySchema = Type.Object({ [COMPANY_SCOPE_QUERY]: Type.Optional(Type.String()) });

/** Rewrites camelCase/PascalCase keys before validation (contract §4). */
export async function normaliseJsonBody(request: FastifyRequest): Promise<void> {
  requireJsonBody(request.body);
  request.body = normaliseBodyKeys(request.body);
}

export function todayStartMs(context: ServerContext): number {
  return utcDayStartOf(context.config.now());
}

/** The caller's scope, narrowed by X-KEEPNET-Company-Id or ?companyId= (the header wins). */
export function requestScope(context: ServerContext, request: FastifyRequest, caller: Caller): Promise<Scope> {
  const header = request.headers[HEADERS.companyScope];
  const fromQuery = (request.query as Record<string, string | undefined>)[COMPANY_SCOPE_QUERY];
  const companyId = (Array.isArray(header) ? header[0] : header) ?? fromQuery;
  return resolveScope(context.storage.db, caller, companyId?.trim());
}

export async function companyRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  // Totals, shared by every page of one search: a listing of n pages counts once, not n times.
  const countCache = createVersionedCache<Counts>({ ...CACHE_BUDGETS.searchCounts, valueBytes: jsonBytes });
  // Serialised pages: resellers re-run the same searches (a dashboard refresh, a script paging a list); the key
  // holds the scope and "today", so no caller ever gets another scope's page or yesterday's.
  const searchCache = createVersionedCache<Buffer>({
    ...CACHE_BUDGETS.searchPages,
    maxEntries: context.config.searchCacheEntries,
    valueBytes: (bytes) => bytes.length,
  });
  app.post(
    '/api/companies/search',
    {
      schema: {
        summary: 'Search the companies this client manages',
        tags: ['companies'],
        security,
        body: SearchBodySchema,
        headers: ScopeHeadersSchema,
        querystring: ScopeQuerySchema,
        response: { 200: ServiceResultSchema(SearchPageSchema), ...errors },
      },
      onRequest: guard(context, PERMISSION.search),
      preValidation: normaliseJsonBody,
    },
    async (request, reply) => {
      const caller = callerOf(request);
      const scope = await requestScope(context, request, caller);
      const body = request.body as SearchBody;
      const today = todayStartMs(context);
      const version = await dataVersionOf(context, request);
      // The search gate's client key: a computation under way is shared by this client's requests only.
      const { clientId } = caller;
      const countOf: CountOf =
        version === null
          ? countMatching
          : (db, q) => countCache.getOrCompute(JSON.stringify(q), version, () => countMatching(db, q), clientId);
      // Read and planned only when the page is not cached: a cached page was made from the same body, scope and
      // day, and a body the filter language refuses is never cached, so it is refused here every time.
      const pageBytes = async () => {
        const query = parseCompanyQuery(body, scope, today);
        return searchPageBody(context.storage.searchReads(clientId), query, body, body.isClustered === true, countOf);
      };
      const bytes =
        version !== null && context.config.searchCacheEntries > 0
          ? await searchCache.getOrCompute(JSON.stringify([scope, today, body]), version, pageBytes, clientId)
          : await pageBytes();
      return reply.type('application/json; charset=utf-8').send(bytes);
    },
  );

  app.get(
    '/api/companies/my',
    {
      schema: {
        summary: 'The companies this client manages, as a tree',
        tags: ['companies'],
        security,
        response: { 200: ServiceResultSchema(Type.Array(MyCompanyNodeSchema)), ...errors },
      },
      onRequest: guard(context, PERMISSION.my),
    },
    async (request) => {
      const caller = callerOf(request);
      return success(await myCompanies(context.storage.db, caller, todayStartMs(context)));
    },
  );

  app.get(
    '/api/companies/:resourceId',
    {
      schema: {
        summary: 'One company',
        tags: ['companies'],
        security,
        params: Type.Object({ resourceId: Type.String({ maxLength: 64 }) }),
        response: { 200: ServiceResultSchema(CompanyDtoSchema), ...errors },
      },
      onRequest: guard(context, PERMISSION.get),
    },
    async (request) => {
      const caller = callerOf(request);
      const { resourceId } = request.params as { resourceId: string };
      return success(await companyById(context.storage.db, caller, resourceId, todayStartMs(context)));
    },
  );
}
