// The CLI's exit codes, in one table: scripts branch on these.
import {
  AuthError,
  ForbiddenError,
  LapseError,
  NetworkError,
  NotFoundError,
  RateLimitError,
  ServerError,
  ValidationError,
} from '../client/index.js';

export const EXIT_CODES = {
  ok: 0,
  /** Anything unexpected (a bug). */
  failure: 1,
  /** Bad flags or config, and requests the server rejected as invalid (400): both are fixed by the caller. */
  usage: 2,
  /** The credential was refused (401, invalid_client). */
  auth: 3,
  /** The role may not do this, or the company is not one this reseller manages (403). */
  forbidden: 4,
  /** The server failed, kept rate limiting, or could not be reached (5xx, 429 after retries, network). */
  unavailable: 5,
  /** The company (or route) does not exist (404). */
  notFound: 6,
} as const;

/** A mistake in how the command was called: bad flag values, missing configuration, an unsafe config file. */
export class UsageError extends Error {
  override name = 'UsageError';
}

const BY_CATEGORY: readonly [new (...args: never[]) => Error, number][] = [
  [UsageError, EXIT_CODES.usage],
  [ValidationError, EXIT_CODES.usage],
  [AuthError, EXIT_CODES.auth],
  [ForbiddenError, EXIT_CODES.forbidden],
  [NotFoundError, EXIT_CODES.notFound],
  [RateLimitError, EXIT_CODES.unavailable],
  [ServerError, EXIT_CODES.unavailable],
  [NetworkError, EXIT_CODES.unavailable],
];

export function exitCodeFor(error: unknown): number {
  for (const [ErrorClass, code] of BY_CATEGORY) if (error instanceof ErrorClass) return code;
  return error instanceof LapseError ? EXIT_CODES.unavailable : EXIT_CODES.failure;
}

/** One line for stderr: the message and, for a rejected request, what the server said was wrong. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details = error instanceof LapseError ? error.validationMessages.filter((m) => m !== error.message) : [];
  const requestId = error instanceof LapseError && error.requestId ? ` (request ${error.requestId})` : '';
  return [error.message, ...details].join('; ') + requestId;
}
