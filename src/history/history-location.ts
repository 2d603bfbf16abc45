// Where a history lives by default: one file per base URL + credential + scope in the user's data directory
// ($XDG_DATA_HOME/lapse, else ~/.local/share/lapse).
import { createHash } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { HistoryIdentity } from './history-store.js';

export interface DataDirectoryEnvironment {
  XDG_DATA_HOME?: string | undefined;
  HOME?: string | undefined;
}

/** The base URL as the history compares it: without trailing slashes, scheme and host lower-cased. */
export function canonicalBaseUrl(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return baseUrl.replace(/\/+$/, '');
  }
}

export function defaultHistoryPath(identity: HistoryIdentity, environment: DataDirectoryEnvironment): string {
  const dataHome = environment.XDG_DATA_HOME || join(environment.HOME || homedir(), '.local', 'share');
  const key = createHash('sha256')
    .update(JSON.stringify([canonicalBaseUrl(identity.baseUrl), identity.clientId, identity.companyId ?? '']))
    .digest('hex')
    .slice(0, 16);
  const host = (() => {
    try {
      return new URL(identity.baseUrl).host.replace(/[^\w.-]/g, '_');
    } catch {
      return 'server';
    }
  })();
  return join(dataHome, 'lapse', `history-${host}-${key}.db`);
}
