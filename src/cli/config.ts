// The reseller commands' configuration, parsed once at the edge: flags win over the environment, which wins
// over the config file ($XDG_CONFIG_HOME/lapse/config.json or ~/.config/lapse/config.json).
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseInstant } from '../contract/index.js';
import type { Environment } from './environment.js';
import { UsageError } from './exit-codes.js';

export interface ClientConfig {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  companyId: string | undefined;
  /** The clock; LAPSE_NOW (an ISO-8601 instant) pins it. */
  now: () => number;
  /** The file's `policy` key as written (a lifecycle policy object), checked where it is used. */
  policy?: unknown;
}

export interface ConfigFlags {
  config?: string | undefined;
  baseUrl?: string | undefined;
  company?: string | undefined;
}

interface FileConfig {
  baseUrl?: string;
  clientId?: string;
  clientSecret?: string;
  companyId?: string;
  policy?: unknown;
}

export function defaultConfigPath(env: Environment): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'lapse', 'config.json');
}

async function readConfigFile(path: string, isExplicit: boolean): Promise<FileConfig> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch {
    if (isExplicit) throw new UsageError(`config file ${path} not found`);
    return {};
  }
  // The file holds a client secret: refuse it while anyone but its owner can read it.
  if ((mode & 0o077) !== 0) {
    throw new UsageError(`config file ${path} is readable by group or others; run: chmod 600 ${path}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new UsageError(`config file ${path} is not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`config file ${path} must hold a JSON object`);
  }
  const pick = (key: keyof FileConfig) => {
    const value = (parsed as Record<string, unknown>)[key];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const out: FileConfig = {};
  for (const key of ['baseUrl', 'clientId', 'clientSecret', 'companyId'] as const) {
    const value = pick(key);
    if (value !== undefined) out[key] = value;
  }
  if ((parsed as Record<string, unknown>).policy !== undefined) out.policy = (parsed as Record<string, unknown>).policy;
  return out;
}

/** The clock of the edge: LAPSE_NOW pins it, else the system clock. */
export function clockFrom(env: Environment): () => number {
  if (!env.LAPSE_NOW) return Date.now;
  const pinned = parseInstant(env.LAPSE_NOW);
  if (pinned === undefined)
    throw new UsageError(`LAPSE_NOW must be an ISO-8601 instant with a zone (got "${env.LAPSE_NOW}")`);
  return () => pinned;
}

export async function loadClientConfig(flags: ConfigFlags, env: Environment): Promise<ClientConfig> {
  const file = await readConfigFile(flags.config ?? defaultConfigPath(env), flags.config !== undefined);
  const baseUrl = flags.baseUrl ?? (env.LAPSE_BASE_URL || file.baseUrl);
  const clientId = env.LAPSE_CLIENT_ID || file.clientId;
  const clientSecret = env.LAPSE_CLIENT_SECRET || file.clientSecret;
  const missing = [
    ...(baseUrl ? [] : ['LAPSE_BASE_URL (or --base-url)']),
    ...(clientId ? [] : ['LAPSE_CLIENT_ID']),
    ...(clientSecret ? [] : ['LAPSE_CLIENT_SECRET']),
  ];
  if (missing.length > 0 || !baseUrl || !clientId || !clientSecret) {
    throw new UsageError(`missing ${missing.join(', ')}: set them in the environment or in ${defaultConfigPath(env)}`);
  }
  if (!/^https?:\/\//i.test(baseUrl))
    throw new UsageError(`base URL must start with http:// or https:// (got "${baseUrl}")`);
  return {
    baseUrl,
    clientId,
    clientSecret,
    companyId: flags.company ?? (env.LAPSE_COMPANY_ID || file.companyId),
    now: clockFrom(env),
    ...(file.policy === undefined ? {} : { policy: file.policy }),
  };
}
