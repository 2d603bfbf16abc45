// contract §10: a company's licence check, the expiry date its licence period gives, and the current time in a
// time zone, in the vendor's shapes and under the same roles and scope as GET /api/companies/{resourceId}.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  COMPANY_SCOPE_QUERY,
  ErrorResultSchema,
  HEADERS,
  ianaTimeZoneOf,
  isOverLimit,
  LATEST_INSTANT,
  type LicenseCheck,
  LicenseCheckSchema,
  type LicenseExpiryDateRequest,
  LicenseExpiryDateRequestSchema,
  LicenseExpiryDateSchema,
  licenseExpiryOf,
  licensePeriodTypeOf,
  PERMISSION,
  parseDay,
  parseInstant,
  ServiceResultSchema,
  success,
  zonedDateTimeOf,
} from '../../contract/index.js';
import { callerOf, guard } from '../auth/index.js';
import { ApiError } from '../errors.js';
import { requireJsonBody } from '../http/index.js';
import type { ServerContext } from '../server-context.js';
import { visibleCompanyRow } from './my-companies.js';
import { ScopeHeadersSchema, ScopeQuerySchema } from './routes.js';

const errors = { '4xx': ErrorResultSchema, '5xx': ErrorResultSchema };
const security = [{ bearer: [] }];

// A date-time without a zone, as the vendor's UI sends it: read as UTC.
const ZONELESS_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?$/;

/** `YYYY-MM-DD` (UTC midnight), a date-time with a zone, or one without (UTC); undefined for anything else. */
function parseStartDate(text: string): number | undefined {
  const day = parseDay(text);
  if (day !== undefined) return Date.parse(`${day}T00:00:00.000Z`);
  return parseInstant(ZONELESS_DATE_TIME.test(text) ? `${text}Z` : text);
}

/** The vendor's property name in any case, as the search body's are (contract §4). */
async function normaliseExpiryBody(request: FastifyRequest): Promise<void> {
  requireJsonBody(request.body);
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return;
  const renamed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) {
    const name = key.toLowerCase() === 'licensestartdate' ? 'licenseStartDate' : key;
    Object.defineProperty(renamed, name, { value, enumerable: true, writable: true, configurable: true });
  }
  request.body = renamed;
}

/** The company the expiry date is for: a Company Admin's own; for a Reseller or Root, the scoped company. */
function expiryCompanyId(request: FastifyRequest, ownResourceId: string, isCompanyAdmin: boolean): string {
  const header = request.headers[HEADERS.companyScope];
  const fromQuery = (request.query as Record<string, string | undefined>)[COMPANY_SCOPE_QUERY];
  const named = ((Array.isArray(header) ? header[0] : header) ?? fromQuery)?.trim();
  if (named) return named;
  if (isCompanyAdmin) return ownResourceId;
  throw ApiError.invalidRequest([
    `${HEADERS.companyScope}: names the company whose licence period applies (or ?${COMPANY_SCOPE_QUERY}=)`,
  ]);
}

export async function licenceRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const db = context.storage.db;

  app.get(
    '/api/companies/:resourceId/license-check',
    {
      schema: {
        summary: "A company's licence limit and how many target users it has",
        tags: ['companies'],
        security,
        params: Type.Object({ resourceId: Type.String({ maxLength: 64 }) }),
        response: { 200: ServiceResultSchema(LicenseCheckSchema), ...errors },
      },
      onRequest: guard(context, PERMISSION.licenseCheck),
    },
    async (request) => {
      const { resourceId } = request.params as { resourceId: string };
      const row = await visibleCompanyRow(db, callerOf(request), resourceId);
      const isLimited = row.is_number_of_users_limited !== 0;
      const check: LicenseCheck = {
        isLimited,
        licenseLimit: isLimited ? row.number_of_users : null,
        activeUserCount: row.target_user_count,
        totalUserCount: row.target_user_count + row.inactive_target_user_count,
        isLicenseExceeded: isOverLimit({
          isNumberOfUsersLimited: isLimited,
          numberOfUsers: row.number_of_users,
          targetUserCount: row.target_user_count,
        }),
      };
      return success(check);
    },
  );

  app.post(
    '/api/companies/licenseexpirydate',
    {
      schema: {
        summary: "The expiry date a licence starting on a day gets from the company's licence period",
        tags: ['companies'],
        security,
        body: LicenseExpiryDateRequestSchema,
        headers: ScopeHeadersSchema,
        querystring: ScopeQuerySchema,
        response: { 200: ServiceResultSchema(LicenseExpiryDateSchema), ...errors },
      },
      onRequest: guard(context, PERMISSION.licenseExpiryDate),
      preValidation: normaliseExpiryBody,
    },
    async (request) => {
      const caller = callerOf(request);
      const { licenseStartDate } = request.body as LicenseExpiryDateRequest;
      const startMs = parseStartDate(licenseStartDate.trim());
      if (startMs === undefined) {
        throw ApiError.invalidRequest([
          `licenseStartDate: ${JSON.stringify(licenseStartDate)} is not an ISO-8601 date (YYYY-MM-DD) or date-time`,
        ]);
      }
      const companyId = expiryCompanyId(request, caller.company.resourceId, caller.role === 'Company Admin');
      const row = await visibleCompanyRow(db, caller, companyId);
      const periodType = licensePeriodTypeOf(row.license_period_type_resource_id, row.license_period_type_name);
      const expiryMs = licenseExpiryOf(startMs, periodType);
      if (expiryMs !== null && expiryMs > LATEST_INSTANT) {
        throw ApiError.invalidRequest([`licenseStartDate: the licence would end after 9999-12-31`]);
      }
      return success({ licenseExpiryDate: expiryMs === null ? null : new Date(expiryMs).toISOString() });
    },
  );

  app.get(
    '/api/companies/get-current-time/:timeZoneId',
    {
      schema: {
        summary: 'The current date and time in a time zone (a Windows id or an IANA id)',
        tags: ['companies'],
        security,
        params: Type.Object({ timeZoneId: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 200: ServiceResultSchema(Type.String({ format: 'date-time' })), ...errors },
      },
      onRequest: guard(context, PERMISSION.currentTime),
    },
    async (request) => {
      const { timeZoneId } = request.params as { timeZoneId: string };
      const zone = ianaTimeZoneOf(timeZoneId);
      if (zone === undefined) {
        throw ApiError.invalidRequest([
          `timeZoneId: ${JSON.stringify(timeZoneId)} is not a known time zone ` +
            '(a Windows id such as "Turkey Standard Time", or an IANA id such as "Europe/Istanbul")',
        ]);
      }
      return success(zonedDateTimeOf(context.config.now(), zone));
    },
  );
}
