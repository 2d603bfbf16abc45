// The server's one error type: every thrown ApiError (and everything else) becomes a ServiceResult envelope.
import { SERVICE_STATUS, type ServiceResult, type ServiceStatus } from '../contract/index.js';

export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly status: ServiceStatus,
    message: string,
    readonly validationMessages: string[] | null = null,
    /** Extra response headers (Retry-After, WWW-Authenticate). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  static invalidRequest(validationMessages: string[]): ApiError {
    return new ApiError(400, SERVICE_STATUS.INPUT_ERROR, 'Invalid request', validationMessages);
  }

  static unauthorized(message: string): ApiError {
    return new ApiError(401, SERVICE_STATUS.UNAUTHORIZED, message, null, {
      'www-authenticate': 'Bearer error="invalid_token"',
    });
  }

  static forbidden(message: string): ApiError {
    return new ApiError(403, SERVICE_STATUS.FORBIDDEN, message);
  }

  static notFound(message: string): ApiError {
    return new ApiError(404, SERVICE_STATUS.NOT_FOUND, message);
  }

  static rateLimited(retryAfterSeconds: number): ApiError {
    return new ApiError(429, SERVICE_STATUS.RATE_LIMITED, 'Too many requests', null, {
      'retry-after': String(retryAfterSeconds),
    });
  }

  static unavailable(message: string, retryAfterSeconds = 5): ApiError {
    return new ApiError(503, SERVICE_STATUS.SERVICE_UNAVAILABLE, message, null, {
      'retry-after': String(retryAfterSeconds),
    });
  }

  /** SIGTERM: this process answers no more; another instance, or this one restarted, will. */
  static shuttingDown(): ApiError {
    return ApiError.unavailable('The server is shutting down; retry shortly.', 1);
  }

  toResult(): ServiceResult<null> {
    return { data: null, status: this.status, message: this.message, validationMessages: this.validationMessages };
  }
}
