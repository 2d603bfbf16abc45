// contract §2: every JSON response of /api/* is a ServiceResult.
import { type TSchema, Type } from '@sinclair/typebox';

export const SERVICE_STATUS = {
  SUCCESS: 'SUCCESS',
  INPUT_ERROR: 'INPUT_ERROR',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  RATE_LIMITED: 'RATE_LIMITED',
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  SERVICE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
} as const;

export type ServiceStatus = (typeof SERVICE_STATUS)[keyof typeof SERVICE_STATUS];

export interface ServiceResult<T> {
  data: T | null;
  status: ServiceStatus | string;
  message: string | null;
  validationMessages: string[] | null;
}

export const ServiceStatusSchema = Type.Union(Object.values(SERVICE_STATUS).map((s) => Type.Literal(s)));

/** The envelope around a payload schema, for OpenAPI and response serialisation. */
export function ServiceResultSchema<T extends TSchema>(data: T) {
  return Type.Object({
    data: Type.Union([data, Type.Null()]),
    status: ServiceStatusSchema,
    message: Type.Union([Type.String(), Type.Null()]),
    validationMessages: Type.Union([Type.Array(Type.String()), Type.Null()]),
  });
}

export const ErrorResultSchema = ServiceResultSchema(Type.Null());

export function success<T>(data: T): ServiceResult<T> {
  return { data, status: SERVICE_STATUS.SUCCESS, message: null, validationMessages: null };
}

/** Header names the contract gives meaning to. */
export const HEADERS = {
  requestId: 'x-request-id',
  companyScope: 'x-keepnet-company-id',
  totalCount: 'x-total-count',
  retryAfter: 'retry-after',
} as const;

/** contract §3: scoping by query string uses this parameter. */
export const COMPANY_SCOPE_QUERY = 'companyId';
