// What the page is told when something fails: one kind per SDK error category, with a message that says what to
// do about it. The page shows these as they are; the credential itself never appears in them.
import {
  AuthError,
  ForbiddenError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  ValidationError,
} from '../client/index.js';
import { AsOfError, type UiError, type UiErrorKind } from '../contract/index.js';
import { HistoryError } from '../history/index.js';
import { QueryError } from './company-query.js';

export interface ErrorContext {
  baseUrl: string;
  /** contract §3: the customer the credential is scoped to, when configured. */
  companyId: string | undefined;
  /** The credential's role, when a token could be had. */
  role: string | undefined;
}

interface Described {
  httpStatus: number;
  kind: UiErrorKind;
  title: string;
  message: string;
}

function describeForbidden(context: ErrorContext): Described {
  // contract §3: a scoped Reseller gets 403 for a company it does not manage; any other 403 here is the role.
  if (context.companyId !== undefined && context.role !== 'Company Admin') {
    return {
      httpStatus: 403,
      kind: 'forbidden',
      title: 'Company not managed by this credential',
      message: `The company ${context.companyId} (LAPSE_COMPANY_ID) is not one this credential manages. Unset it, or choose a company below yours.`,
    };
  }
  return {
    httpStatus: 403,
    kind: 'forbidden',
    title: 'A Reseller credential is needed',
    message:
      'This credential may not list customer companies' +
      (context.role ? ` (its role is ${context.role})` : '') +
      '. The dashboard needs a Reseller credential: create an API credential with Client Role = Reseller and set LAPSE_CLIENT_ID and LAPSE_CLIENT_SECRET to it.',
  };
}

function describe(error: unknown, context: ErrorContext): Described {
  if (error instanceof QueryError || error instanceof AsOfError) {
    return { httpStatus: 400, kind: 'invalid', title: 'That view cannot be shown', message: error.message };
  }
  if (error instanceof HistoryError) {
    // The local history file, not the API: no snapshot to compare with, or a file lapse cannot use.
    return { httpStatus: 409, kind: 'history', title: 'The history cannot answer that', message: error.message };
  }
  if (error instanceof AuthError) {
    return {
      httpStatus: 401,
      kind: 'auth',
      title: 'The API refused the credential',
      message: `The client id or secret was not accepted by ${context.baseUrl}. Check LAPSE_CLIENT_ID and LAPSE_CLIENT_SECRET, then restart lapse ui.`,
    };
  }
  if (error instanceof ForbiddenError) return describeForbidden(context);
  if (error instanceof NetworkError) {
    return {
      httpStatus: 502,
      kind: 'unreachable',
      title: 'The API server is unreachable',
      message: `No answer from ${context.baseUrl}. Check LAPSE_BASE_URL and your network, then try again.`,
    };
  }
  if (error instanceof RateLimitError) {
    return {
      httpStatus: 429,
      kind: 'rate-limited',
      title: 'Too many requests',
      message: 'The API is rate limiting this credential. Wait a minute, then refresh.',
    };
  }
  if (error instanceof ValidationError) {
    return { httpStatus: 400, kind: 'invalid', title: 'The API rejected the request', message: error.message };
  }
  if (error instanceof NotFoundError) {
    return { httpStatus: 404, kind: 'not-found', title: 'Not found', message: error.message };
  }
  const detail = error instanceof ServerError ? error.message : 'an unexpected error in lapse ui';
  return {
    httpStatus: 502,
    kind: 'server',
    title: 'The API server failed',
    message: `The request could not be completed (${detail}). Try again in a moment.`,
  };
}

export function describeUiError(error: unknown, context: ErrorContext): { httpStatus: number; body: UiError } {
  const { httpStatus, ...described } = describe(error, context);
  const detail = error instanceof Error && !(error instanceof QueryError) ? error.message : null;
  return { httpStatus, body: { error: { ...described, detail } } };
}
