// What a person can act on when the API cannot be used: which setting named the unreachable address, a hint for
// a base URL that already ends in /api, and each retry as it happens.
import { isConnectFailure, LapseError, NotFoundError, type RetryNotice } from '../client/index.js';
import type { ClientConfig } from './config.js';

type Connection = Pick<ClientConfig, 'baseUrl' | 'baseUrlSource'>;

/** The SDK adds /api/… and /connect/token itself: a base URL ending in /api doubles it. */
function apiSuffixHint(connection: Connection): string | undefined {
  let path: string;
  try {
    path = new URL(connection.baseUrl).pathname;
  } catch {
    return undefined;
  }
  if (!/\/api\/?$/i.test(path)) return undefined;
  const suggested = connection.baseUrl.replace(/\/api\/?$/i, '');
  return `the base URL ends in /api, which lapse adds itself: set ${connection.baseUrlSource} to ${suggested}`;
}

function cannotReach(connection: Connection): string {
  return `cannot reach ${connection.baseUrl} (${connection.baseUrlSource}): is the server running?`;
}

/** The error a command ends with, its message saying what to check. The category (and exit code) stays. */
export function explainFailure(error: unknown, connection: Connection): unknown {
  if (!(error instanceof LapseError)) return error;
  if (isConnectFailure(error)) error.message = cannotReach(connection);
  const hint = error instanceof NotFoundError ? apiSuffixHint(connection) : undefined;
  if (hint !== undefined) error.message = `${error.message}; ${hint}`;
  return error;
}

/** One stderr line per retry, before its wait. */
export function retryNotices(connection: Connection, write: (line: string) => void): (notice: RetryNotice) => void {
  return ({ retry, retries, waitMs, error }) => {
    const reason = isConnectFailure(error) ? cannotReach(connection) : error.message;
    write(`${reason}; retry ${retry} of ${retries} in ${(waitMs / 1000).toFixed(1)} s\n`);
  };
}
