// contract §10: POST /api/companies, PUT and DELETE /api/companies/{resourceId}. The vendor sends
// multipart/form-data (a logo may come with it); JSON and url-encoded forms with the same names are read too.
import multipart from '@fastify/multipart';
import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  COMPANY_LOGO_LIMITS,
  type CompanyWriteBody,
  CompanyWriteBodySchema,
  ErrorResultSchema,
  IdResultSchema,
  PERMISSION,
  type Permission,
  RESOURCE_ID_PATTERN,
  ServiceResultSchema,
  success,
} from '../../../contract/index.js';
import { findCompanyByResourceId, type StoredCompany } from '../../admin/index.js';
import { type Caller, callerOf, guard } from '../../auth/index.js';
import { ApiError } from '../../errors.js';
import type { ServerContext } from '../../server-context.js';
import { requestScope, ScopeHeadersSchema, ScopeQuerySchema } from '../routes.js';
import { isInScope, visibleScope } from '../scope.js';
import { createCompanyWrite, deleteCompanyWrite, updateCompanyWrite, type WriteActor } from './apply-write.js';
import { readCompanyWriteBody } from './write-body.js';

const errors = { '4xx': ErrorResultSchema, '5xx': ErrorResultSchema };
const security = [{ bearer: [] }];
const ResourceIdParams = Type.Object({ resourceId: Type.String({ maxLength: 64 }) });
const writeConsumes = ['multipart/form-data', 'application/json', 'application/x-www-form-urlencoded'];

/** The company a write names, if the caller may write it: Root any, a Reseller those below it, a Company Admin its own. */
async function writableCompany(context: ServerContext, caller: Caller, resourceId: string): Promise<StoredCompany> {
  const shown = JSON.stringify(resourceId.slice(0, 64));
  const company = RESOURCE_ID_PATTERN.test(resourceId)
    ? await findCompanyByResourceId(context.storage.db, resourceId)
    : undefined;
  if (!company) throw ApiError.notFound(`Company ${shown} was not found.`);
  const isAllowed =
    caller.role === 'Company Admin' ? company.id === caller.company.id : isInScope(visibleScope(caller), company.path);
  if (!isAllowed) throw ApiError.forbidden(`Company ${shown} is not managed by this client.`);
  return company;
}

/** A new company goes under the company the scoping header names, else under the caller's own. */
async function parentForCreate(context: ServerContext, request: FastifyRequest, caller: Caller) {
  const scope = await requestScope(context, request, caller);
  const path = scope.path ?? caller.company.path;
  const parent = await context.storage.db
    .selectFrom('companies')
    .selectAll()
    .where('path', '=', path)
    .executeTakeFirstOrThrow();
  return parent;
}

const actorOf = (context: ServerContext, request: FastifyRequest): WriteActor => ({
  caller: callerOf(request),
  now: context.config.now(),
});

export async function companyWriteRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  // In a scope of their own: only these routes read multipart bodies.
  await app.register(async (scope) => {
    await scope.register(multipart, {
      limits: { fileSize: COMPANY_LOGO_LIMITS.maxBytes, files: 1, fields: 200, fieldSize: 4096, parts: 201 },
    });
    const db = context.storage.db;

    /** A route that reads a write body (the vendor's form fields) and answers an IdResult. */
    const writeRoute = (summary: string, permission: Permission, request: Record<string, TSchema>) => ({
      schema: {
        summary,
        tags: ['companies'],
        security,
        consumes: writeConsumes,
        body: CompanyWriteBodySchema,
        ...request,
        response: { 200: ServiceResultSchema(IdResultSchema), ...errors },
      },
      onRequest: guard(context, permission),
      preValidation: readCompanyWriteBody,
    });

    scope.post(
      '/api/companies',
      writeRoute('Create a company under the caller (or the company X-KEEPNET-Company-Id names)', PERMISSION.create, {
        headers: ScopeHeadersSchema,
        querystring: ScopeQuerySchema,
      }),
      async (request) => {
        const parent = await parentForCreate(context, request, callerOf(request));
        const body = request.body as CompanyWriteBody;
        return success({ resourceId: await createCompanyWrite(db, actorOf(context, request), parent, body) });
      },
    );

    scope.put(
      '/api/companies/:resourceId',
      writeRoute('Update a company (every field)', PERMISSION.update, { params: ResourceIdParams }),
      async (request) => {
        const { resourceId } = request.params as { resourceId: string };
        const company = await writableCompany(context, callerOf(request), resourceId);
        const body = request.body as CompanyWriteBody;
        return success({ resourceId: await updateCompanyWrite(db, actorOf(context, request), company, body) });
      },
    );

    scope.delete(
      '/api/companies/:resourceId',
      {
        schema: {
          summary: 'Delete a company that has no companies below it',
          tags: ['companies'],
          security,
          params: ResourceIdParams,
          response: { 200: ServiceResultSchema(IdResultSchema), ...errors },
        },
        onRequest: guard(context, PERMISSION.remove),
      },
      async (request) => {
        const { resourceId } = request.params as { resourceId: string };
        const caller = callerOf(request);
        const company = await writableCompany(context, caller, resourceId);
        if (company.parent_id === null)
          throw ApiError.invalidRequest(['resourceId: the platform root cannot be deleted']);
        return success({ resourceId: await deleteCompanyWrite(db, actorOf(context, request), company) });
      },
    );
  });
}
