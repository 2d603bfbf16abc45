// The CLI's exit codes, in one table: scripts branch on these. The README points here.
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
import { AsOfError, PolicyError, RenewalTermError } from '../contract/index.js';
import { HistoryError } from '../history/index.js';
import { AdminError, AdminNotFoundError } from '../server/admin/index.js';
import { CopyRefusedError, isDatabaseUnavailable } from '../server/db/index.js';

export const EXIT_CODES = {
  ok: 0,
  /** Anything unexpected (a bug). */
  failure: 1,
  /**
   * Bad flags, environment or config, a file or port that cannot be used, input the admin commands refuse, and
   * requests the server rejected as invalid (400): all are fixed by the caller.
   */
  usage: 2,
  /** The credential was refused (401, invalid_client). */
  auth: 3,
  /** The role may not do this, or the company is not one this reseller manages (403). */
  forbidden: 4,
  /**
   * The server failed, kept rate limiting, or could not be reached (5xx, 429 after retries, network), or the
   * database could not be reached.
   */
  unavailable: 5,
  /** The company (or route) does not exist (404). */
  notFound: 6,
  /** A run over several profiles with --keep-going wrote what the profiles that worked found; others failed. */
  partial: 7,
  /**
   * `lapse changes` ran and found changes since the snapshot it compared with (0: it found none). Any other
   * code is a failure, so a cron job branches on 0, 10 and the rest.
   */
  changed: 10,
} as const;

/** A mistake in how the command was called: bad flag values, missing configuration, an unsafe config file. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Profiles that failed, as one line; the exit code is the first failure's own. */
export class ProfilesFailedError extends Error {
  override name = 'ProfilesFailedError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** --keep-going: the output holds the profiles that worked, and these failed. */
export class PartialResultError extends Error {
  override name = 'PartialResultError';
}

const BY_CATEGORY: readonly [new (...args: never[]) => Error, number][] = [
  [UsageError, EXIT_CODES.usage],
  [PartialResultError, EXIT_CODES.partial],
  [AsOfError, EXIT_CODES.usage],
  // A history file that is not lapse's, is damaged or is another credential's; a policy file with a bad key.
  [HistoryError, EXIT_CODES.usage],
  [PolicyError, EXIT_CODES.usage],
  [RenewalTermError, EXIT_CODES.usage],
  // Before AdminError, which it extends: the first matching category decides.
  [AdminNotFoundError, EXIT_CODES.notFound],
  [AdminError, EXIT_CODES.usage],
  [CopyRefusedError, EXIT_CODES.usage],
  [ValidationError, EXIT_CODES.usage],
  [AuthError, EXIT_CODES.auth],
  [ForbiddenError, EXIT_CODES.forbidden],
  [NotFoundError, EXIT_CODES.notFound],
  [RateLimitError, EXIT_CODES.unavailable],
  [ServerError, EXIT_CODES.unavailable],
  [NetworkError, EXIT_CODES.unavailable],
];

/** System error codes for a path or port the caller named that cannot be used as it stands. */
const CALLER_FIXABLE_CODES = new Set([
  'ENOENT',
  'ENOTDIR',
  'EISDIR',
  'EEXIST',
  'EACCES',
  'EPERM',
  'EROFS',
  'EADDRINUSE',
  'EADDRNOTAVAIL',
]);

function systemCodeOf(error: unknown): unknown {
  return typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
}

export function exitCodeFor(error: unknown): number {
  if (error instanceof ProfilesFailedError) return error.exitCode;
  for (const [ErrorClass, code] of BY_CATEGORY) if (error instanceof ErrorClass) return code;
  if (error instanceof LapseError || isDatabaseUnavailable(error)) return EXIT_CODES.unavailable;
  const code = systemCodeOf(error);
  return typeof code === 'string' && CALLER_FIXABLE_CODES.has(code) ? EXIT_CODES.usage : EXIT_CODES.failure;
}

/** One line for stderr: the message and, for a rejected request, what the server said was wrong. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const details = error instanceof LapseError ? error.validationMessages.filter((m) => m !== error.message) : [];
  const requestId = error instanceof LapseError && error.requestId ? ` (request ${error.requestId})` : '';
  return ([error.message, ...details].join('; ') + requestId).replaceAll('\n', ' ');
}
