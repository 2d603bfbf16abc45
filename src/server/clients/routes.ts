// contract §10: a managed customer's REST API clients (/api/companies/clients*) and the roles they may hold
// (/api/roles). The customer is the company X-KEEPNET-Company-Id names; a client is a credential like any other,
// so /connect/token and the guard treat it as they treat an operator's.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ASSIGNABLE_ROLES,
  CLIENT_ORDER_BY,
  CLIENT_SEARCH_FIELDS,
  CLIENT_WRITE_FIELDS,
  ClientCredentialDtoSchema,
  ClientDtoSchema,
  type ClientExportBody,
  ClientExportBodySchema,
  ClientPageSchema,
  type ClientSearchBody,
  ClientSearchBodySchema,
  type ClientWriteBody,
  ClientWriteBodySchema,
  COMPANY_SCOPE_QUERY,
  ErrorResultSchema,
  HEADERS,
  IdResultSchema,
  normaliseFilterKeys,
  PERMISSION,
  RESOURCE_ID_PATTERN,
  renameKnownKeys,
  ServiceResultSchema,
  SystemRoleDtoSchema,
  success,
} from '../../contract/index.js';
import { createCredential } from '../admin/index.js';
import { type Caller, callerOf, generateClientCredentials, guard } from '../auth/index.js';
import { requestScope, ScopeHeadersSchema, ScopeQuerySchema } from '../companies/routes.js';
import { isInScope, visibleScope } from '../companies/scope.js';
import { type Db, isConstraintViolation } from '../db/index.js';
import { ApiError } from '../errors.js';
import { requireJsonBody } from '../http/index.js';
import type { ServerContext } from '../server-context.js';
import { checkClientBody } from './client-body.js';
import { sendClientExport } from './client-export.js';
import {
  type ClientQuery,
  clientDtoOf,
  clientPageOf,
  findClient,
  isClientOrder,
  searchClients,
} from './client-records.js';
import { removeClient, updateClient } from './client-writes.js';

const errors = { '4xx': ErrorResultSchema, '5xx': ErrorResultSchema };
const security = [{ bearer: [] }];
const ResourceIdParams = Type.Object({ resourceId: Type.String({ maxLength: 64 }) });

const isCompanyNamed = (request: FastifyRequest) =>
  Boolean(request.headers[HEADERS.companyScope] || (request.query as Record<string, unknown>)[COMPANY_SCOPE_QUERY]);

/** The customer the scoping header names: required here, since a client belongs to one company. */
async function customerOf(context: ServerContext, request: FastifyRequest, caller: Caller) {
  if (!isCompanyNamed(request)) {
    throw ApiError.invalidRequest(['X-KEEPNET-Company-Id: is required (the customer whose clients these are)']);
  }
  const scope = await requestScope(context, request, caller);
  return context.storage.db
    .selectFrom('companies')
    .select(['id', 'resource_id', 'path'])
    .where('path', '=', scope.path as string)
    .executeTakeFirstOrThrow();
}

/** A client the caller manages (its company below the caller's), within the scoped customer when one is named. */
async function managedClient(context: ServerContext, request: FastifyRequest, resourceId: string) {
  const caller = callerOf(request);
  const shown = JSON.stringify(resourceId.slice(0, 64));
  const client = RESOURCE_ID_PATTERN.test(resourceId) ? await findClient(context.storage.db, resourceId) : undefined;
  if (!client) throw ApiError.notFound(`Client ${shown} was not found.`);
  if (!isInScope(visibleScope(caller), client.company_path)) {
    throw ApiError.forbidden(`Client ${shown} belongs to a company this client does not manage.`);
  }
  if (isCompanyNamed(request) && (await customerOf(context, request, caller)).path !== client.company_path) {
    throw ApiError.notFound(`Client ${shown} was not found in the company X-KEEPNET-Company-Id names.`);
  }
  return client;
}

/** Request names in any case (contract §4's rule, kept for these bodies too). */
function normalisedBody(keys: readonly string[]) {
  return async (request: FastifyRequest): Promise<void> => {
    requireJsonBody(request.body);
    const body = renameKnownKeys(request.body, keys) as Record<string, unknown>;
    if (typeof body === 'object' && body !== null && Object.hasOwn(body, 'filter')) {
      body.filter = body.filter === null ? undefined : normaliseFilterKeys(body.filter);
      if (body.filter === undefined) delete body.filter;
    }
    request.body = body;
  };
}

function clientQueryOf(companyId: number, body: ClientSearchBody): ClientQuery {
  const problems: string[] = [];
  const orderBy = body.orderBy.toLowerCase();
  if (!isClientOrder(orderBy)) problems.push(`orderBy: must be one of ${CLIENT_ORDER_BY.join(', ')}`);
  const hasItems = (groups: unknown[] | undefined): boolean =>
    (groups ?? []).some((group) => {
      const { FilterItems, FilterGroups } = group as { FilterItems?: unknown[]; FilterGroups?: unknown[] };
      return (FilterItems?.length ?? 0) > 0 || hasItems(FilterGroups);
    });
  if (hasItems(body.filter?.FilterGroups)) {
    problems.push('filter.FilterGroups: clients are searched by filter.SearchInputTextValue only');
  }
  if (problems.length > 0) throw ApiError.invalidRequest(problems);
  const text = body.filter?.SearchInputTextValue?.trim() ?? '';
  return { companyId, text, orderBy: orderBy as ClientQuery['orderBy'], ascending: body.ascending };
}

async function clientIdInUse(db: Db, clientId: string): Promise<boolean> {
  const row = await db
    .selectFrom('credentials')
    .select('client_id')
    .where('client_id', '=', clientId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function clientRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const db = context.storage.db;
  const route = { tags: ['clients'], security };

  app.get(
    '/api/roles',
    {
      schema: {
        ...route,
        summary: 'The roles a client may hold',
        response: { 200: ServiceResultSchema(Type.Array(SystemRoleDtoSchema)), ...errors },
      },
      onRequest: guard(context, PERMISSION.roles),
    },
    async () => success(ASSIGNABLE_ROLES.map((role) => ({ resourceId: role.resourceId, name: role.name }))),
  );

  app.get(
    '/api/companies/clients/generate-client-credentials',
    {
      schema: {
        ...route,
        summary: 'A new client id and secret, for POST (or PUT, to rotate) /api/companies/clients; not stored',
        response: { 200: ServiceResultSchema(ClientCredentialDtoSchema), ...errors },
      },
      onRequest: guard(context, PERMISSION.generateClientCredentials),
    },
    async (_request, reply) => {
      reply.header('cache-control', 'no-store');
      return success(generateClientCredentials());
    },
  );

  app.post(
    '/api/companies/clients',
    {
      schema: {
        ...route,
        summary: 'Create a client for the customer X-KEEPNET-Company-Id names',
        body: ClientWriteBodySchema,
        headers: ScopeHeadersSchema,
        querystring: ScopeQuerySchema,
        response: { 200: ServiceResultSchema(IdResultSchema), ...errors },
      },
      onRequest: guard(context, PERMISSION.createClient),
      preValidation: normalisedBody(CLIENT_WRITE_FIELDS),
    },
    async (request) => {
      const customer = await customerOf(context, request, callerOf(request));
      const checked = checkClientBody(request.body as ClientWriteBody);
      const inUse = () => ApiError.invalidRequest(['clientId: is already in use']);
      if (await clientIdInUse(db, checked.clientId)) throw inUse();
      const input = { ...checked, company: customer.resource_id, description: 'REST API client' };
      // Two creates with one id at once: the second loses at the primary key, and hears what the check would say.
      const created = await createCredential(db, input, context.config.now()).catch((error: unknown) => {
        throw isConstraintViolation(error, 'unique') ? inUse() : error;
      });
      return success({ resourceId: created.resourceId });
    },
  );

  const byId = { ...route, params: ResourceIdParams, headers: ScopeHeadersSchema, querystring: ScopeQuerySchema };
  app.get(
    '/api/companies/clients/:resourceId',
    {
      schema: {
        ...byId,
        summary: 'One client (never its secret)',
        response: { 200: ServiceResultSchema(ClientDtoSchema), ...errors },
      },
      onRequest: guard(context, PERMISSION.getClient),
    },
    async (request) => {
      const { resourceId } = request.params as { resourceId: string };
      return success(clientDtoOf(await managedClient(context, request, resourceId)));
    },
  );

  app.put(
    '/api/companies/clients/:resourceId',
    {
      schema: {
        ...byId,
        summary: 'Update a client; a clientSecret other than its own rotates it',
        body: ClientWriteBodySchema,
        response: { 200: ServiceResultSchema(IdResultSchema), ...errors },
      },
      onRequest: guard(context, PERMISSION.updateClient),
      preValidation: normalisedBody(CLIENT_WRITE_FIELDS),
    },
    async (request) => {
      const { resourceId } = request.params as { resourceId: string };
      const client = await managedClient(context, request, resourceId);
      await updateClient(db, client, checkClientBody(request.body as ClientWriteBody));
      return success({ resourceId });
    },
  );

  app.delete(
    '/api/companies/clients/:resourceId',
    {
      schema: {
        ...byId,
        summary: 'Delete a client',
        response: { 200: ServiceResultSchema(IdResultSchema), ...errors },
      },
      onRequest: guard(context, PERMISSION.removeClient),
    },
    async (request) => {
      const { resourceId } = request.params as { resourceId: string };
      await removeClient(db, await managedClient(context, request, resourceId));
      return success({ resourceId });
    },
  );

  app.post(
    '/api/companies/clients/search',
    {
      schema: {
        ...route,
        summary: "The customer's clients, a page at a time",
        body: ClientSearchBodySchema,
        headers: ScopeHeadersSchema,
        querystring: ScopeQuerySchema,
        response: { 200: ServiceResultSchema(ClientPageSchema), ...errors },
      },
      onRequest: guard(context, PERMISSION.searchClients),
      preValidation: normalisedBody(CLIENT_SEARCH_FIELDS),
    },
    async (request) => {
      const customer = await customerOf(context, request, callerOf(request));
      const body = request.body as ClientSearchBody;
      const found = await searchClients(db, clientQueryOf(customer.id, body), body);
      return success(clientPageOf(found, body.pageNumber, body.pageSize));
    },
  );

  app.post(
    '/api/companies/clients/search/export',
    {
      schema: {
        ...route,
        summary: "The customer's clients as a CSV file",
        body: ClientExportBodySchema,
        headers: ScopeHeadersSchema,
        querystring: ScopeQuerySchema,
        response: { '4xx': ErrorResultSchema, '5xx': ErrorResultSchema },
      },
      onRequest: guard(context, PERMISSION.exportClients),
      preValidation: normalisedBody(CLIENT_SEARCH_FIELDS),
    },
    async (request, reply) => {
      const customer = await customerOf(context, request, callerOf(request));
      const body = request.body as ClientExportBody;
      const query = clientQueryOf(customer.id, body);
      const found = await searchClients(db, query, body.reportAllPages === true ? undefined : body);
      return sendClientExport(reply, body.exportType, found.rows);
    },
  );
}
