// The client's errors, one class per category (contract §2 status table), so callers can write
// `catch (e) { if (e instanceof RateLimitError) … }` and the CLI can map categories to exit codes.

export interface LapseErrorDetails {
  /** HTTP status, when a response arrived. */
  httpStatus?: number;
  /** The envelope's status (`INPUT_ERROR`, …) or the OAuth `error` code, when the server sent one. */
  serviceStatus?: string;
  validationMessages?: string[];
  requestId?: string;
  cause?: unknown;
}

export class LapseError extends Error {
  readonly httpStatus: number | undefined;
  readonly serviceStatus: string | undefined;
  readonly validationMessages: string[];
  readonly requestId: string | undefined;

  constructor(message: string, details: LapseErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.httpStatus = details.httpStatus;
    this.serviceStatus = details.serviceStatus;
    this.validationMessages = details.validationMessages ?? [];
    this.requestId = details.requestId;
  }
}

/** 401, or the token endpoint refusing the credential (`invalid_client`). */
export class AuthError extends LapseError {}
/** 403: the role may not call this endpoint, or the company is not one this reseller manages. */
export class ForbiddenError extends LapseError {}
/** 400 (and 413/415): the request was rejected as invalid; `validationMessages` name the JSON paths. */
export class ValidationError extends LapseError {}
/** 404: unknown company, or a route this server does not have. */
export class NotFoundError extends LapseError {}
/** 429 after the retry policy gave up. */
export class RateLimitError extends LapseError {}
/** 5xx, or a response the client cannot read. */
export class ServerError extends LapseError {}
/** No response: connection refused or reset, DNS, a body cut short. */
export class NetworkError extends LapseError {}

/** The error class for an HTTP error status. */
export function errorClassFor(httpStatus: number): typeof LapseError {
  if (httpStatus === 401) return AuthError;
  if (httpStatus === 403) return ForbiddenError;
  if (httpStatus === 404) return NotFoundError;
  if (httpStatus === 429) return RateLimitError;
  if (httpStatus === 400 || httpStatus === 413 || httpStatus === 415 || httpStatus === 422) return ValidationError;
  if (httpStatus >= 500) return ServerError;
  return LapseError;
}

/** The error class for an envelope status sent with a 2xx (a server that reports failures in the body). */
export function errorClassForStatus(status: string): typeof LapseError {
  switch (status.toUpperCase()) {
    case 'UNAUTHORIZED':
      return AuthError;
    case 'FORBIDDEN':
      return ForbiddenError;
    case 'INPUT_ERROR':
      return ValidationError;
    case 'NOT_FOUND':
      return NotFoundError;
    case 'RATE_LIMITED':
      return RateLimitError;
    case 'INTERNAL_SERVER_ERROR':
    case 'SERVICE_UNAVAILABLE':
      return ServerError;
    default:
      return LapseError;
  }
}
