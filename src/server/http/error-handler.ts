// One error handler: every thrown thing becomes a ServiceResult (contract §2). Bad input is never a 500.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HEADERS, SERVICE_STATUS } from '../../contract/index.js';
import { isDatabaseUnavailable } from '../db/index.js';
import { ApiError } from '../errors.js';
import { SECURITY_HEADERS } from './response-headers.js';
import { validationMessages } from './validation-messages.js';

function fromFastifyError(error: FastifyError): ApiError | undefined {
  if (error.validation) return ApiError.invalidRequest(validationMessages(error.validation));
  const status = error.statusCode ?? 500;
  if (status === 413) {
    return new ApiError(413, SERVICE_STATUS.INPUT_ERROR, 'The request body is larger than the 64 KiB limit.');
  }
  if (status === 415) {
    return new ApiError(415, SERVICE_STATUS.INPUT_ERROR, 'The request body must be JSON (application/json).');
  }
  if (status === 400) return ApiError.invalidRequest([`body: ${error.message}`]);
  if (status > 400 && status < 500) return new ApiError(status, SERVICE_STATUS.INPUT_ERROR, error.message);
  return undefined;
}

export function toApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (isDatabaseUnavailable(error)) return ApiError.unavailable('The database is unavailable; retry shortly.');
  return fromFastifyError(error as FastifyError);
}

export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const apiError = toApiError(error);
    if (apiError) {
      if (apiError.httpStatus >= 500) request.log.warn({ err: error }, apiError.message);
      return reply.code(apiError.httpStatus).headers(apiError.headers).send(apiError.toResult());
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({
      data: null,
      status: SERVICE_STATUS.INTERNAL_SERVER_ERROR,
      message: `Internal server error (request ${request.id}).`,
      validationMessages: null,
    });
  });
}

/** contract §2 for what the router refuses before any route runs: a path that is not valid percent-encoding, or a
 * path segment longer than the router takes (100 characters). */
export function frameworkErrorReply(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const apiError =
    error.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new ApiError(414, SERVICE_STATUS.INPUT_ERROR, 'A path segment is longer than 100 characters.')
      : ApiError.invalidRequest(['path: is not valid percent-encoding']);
  // The router answers before any hook runs, so the headers every response carries are set here.
  reply
    .code(apiError.httpStatus)
    .headers({ ...SECURITY_HEADERS, [HEADERS.requestId]: request.id })
    .type('application/json; charset=utf-8')
    .send(apiError.toResult());
}
