// The drawer's Renew action: the plan (old → new renewal date, by the contract's renewal rule) and the write, which
// only this page's own origin may ask for. After a write every kept listing is dropped, so the next view is fresh.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { type LapseClient, ValidationError } from '../client/index.js';
import {
  CompanyDetailSchema,
  type RenewalPlan,
  type RenewalPlanQuery,
  RenewalPlanQuerySchema,
  RenewalPlanSchema,
  type RenewalRequest,
  RenewalRequestSchema,
  type RenewalTerm,
  RenewalTermError,
  renewalDayOf,
  renewalTermOf,
  renewedDay,
  UiErrorSchema,
  UiRefusalSchema,
} from '../contract/index.js';
import type { ApiRoutesOptions } from './api-routes.js';
import { refuseForeignOrigin } from './request-guards.js';

const failures = { '4xx': UiErrorSchema, '5xx': UiErrorSchema };
const Params = Type.Object({ resourceId: Type.String() });

/** A term the company cannot take is bad input: the page shows the message as it is. */
function asInvalid<T>(plan: () => T): T {
  try {
    return plan();
  } catch (error) {
    if (error instanceof RenewalTermError) throw new ValidationError(error.message);
    throw error;
  }
}

async function planRenewal(
  client: LapseClient,
  resourceId: string,
  term: RenewalTerm,
  today: string,
): Promise<RenewalPlan> {
  const company = await client.companies.get(resourceId);
  return {
    companyResourceId: company.resourceId,
    companyName: company.name,
    oldRenewalDate: renewalDayOf(company.licenseEndDate),
    newRenewalDate: asInvalid(() => renewedDay(company, term, today)),
  };
}

export async function renewalRoutes(app: FastifyInstance, options: ApiRoutesOptions): Promise<void> {
  const { client, portfolio } = options;
  const todayIn = (timeZone: string | undefined) =>
    portfolio.resolveDay({ timeZone: timeZone ?? 'UTC', asOf: '' }).asOf;

  app.get<{ Params: { resourceId: string }; Querystring: RenewalPlanQuery }>(
    '/ui-api/companies/:resourceId/renewal',
    {
      schema: {
        params: Params,
        querystring: RenewalPlanQuerySchema,
        response: { 200: RenewalPlanSchema, ...failures },
      },
    },
    (request) => {
      const term = asInvalid(() => renewalTermOf(request.query));
      return planRenewal(client, request.params.resourceId, term, todayIn(request.query.tz));
    },
  );

  app.post<{ Params: { resourceId: string }; Querystring: RenewalRequest }>(
    '/ui-api/companies/:resourceId/renewal',
    {
      schema: {
        params: Params,
        querystring: RenewalRequestSchema,
        response: { 200: CompanyDetailSchema, 403: UiRefusalSchema, ...failures },
      },
    },
    async (request, reply) => {
      // A write: beyond the guard every /ui-api/ request passes, the browser's Origin must be this page's own.
      if (refuseForeignOrigin(request, reply, options.originOf(request))) return reply;
      const { resourceId } = request.params;
      const { newRenewalDate, tz } = request.query;
      await planRenewal(client, resourceId, { until: newRenewalDate }, todayIn(tz));
      await client.companies.change(resourceId, { LicenseEndDate: newRenewalDate });
      portfolio.refresh();
      return portfolio.detail(resourceId, portfolio.resolveDay({ timeZone: tz ?? 'UTC', asOf: '' }));
    },
  );
}
