// The reseller commands' configuration, parsed once at the edge: flags win over a chosen profile, which wins over
// the environment, which wins over the config file's top-level settings ($XDG_CONFIG_HOME/lapse/config.json or
// ~/.config/lapse/config.json). A profile is one vendor account's settings under `profiles.<name>`.
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseInstant } from '../contract/index.js';
import type { Environment } from './environment.js';
import { UsageError } from './exit-codes.js';

export interface ClientConfig {
  baseUrl: string;
  /** Where the base URL was set, for messages: "--base-url", "LAPSE_BASE_URL" or the config file. */
  baseUrlSource: string;
  clientId: string;
  clientSecret: string;
  companyId: string | undefined;
  /** The profile in use, when one was chosen. */
  profile: string | undefined;
  /** The clock; LAPSE_NOW (an ISO-8601 instant) pins it. */
  now: () => number;
  /** The file's `policy` key as written (a lifecycle policy object), checked where it is used. */
  policy?: unknown;
}

export interface ConfigFlags {
  config?: string | undefined;
  baseUrl?: string | undefined;
  company?: string | undefined;
  profile?: string | undefined;
}

/** The keys a config file (and each of its profiles) may hold, with what they set. */
export const CONFIG_KEYS = {
  baseUrl: 'API base URL, without /api (LAPSE_BASE_URL)',
  clientId: 'client id (LAPSE_CLIENT_ID)',
  clientSecret: 'client secret (LAPSE_CLIENT_SECRET)',
  companyId: 'customer to scope to (LAPSE_COMPANY_ID)',
} as const;

export type ConfigKey = keyof typeof CONFIG_KEYS;
export type Settings = Partial<Record<ConfigKey, string>>;

export interface ConfigFile {
  /** Top-level settings: used without a profile, and beneath every profile. */
  settings: Settings;
  profiles: Record<string, Settings>;
  /** The top-level `policy` key (a lifecycle policy object), kept as written. */
  policy?: unknown;
}

const EMPTY_FILE: ConfigFile = { settings: {}, profiles: {} };

export function isConfigKey(key: string): key is ConfigKey {
  return Object.hasOwn(CONFIG_KEYS, key);
}

export function defaultConfigPath(env: Environment): string {
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'lapse', 'config.json');
}

export function configPathOf(flags: Pick<ConfigFlags, 'config'>, env: Environment): string {
  return flags.config ?? defaultConfigPath(env);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** One object's settings; an unknown key or a value that is not a string is refused, naming it and the file. */
function readSettings(path: string, where: string, object: Record<string, unknown>, allowed: string[]): Settings {
  const settings: Settings = {};
  for (const [key, value] of Object.entries(object)) {
    if (!isConfigKey(key)) {
      if (allowed.includes(key)) continue;
      throw new UsageError(
        `config file ${path}: unknown key "${where}${key}" (known: ${[...Object.keys(CONFIG_KEYS), ...allowed].join(', ')})`,
      );
    }
    if (typeof value !== 'string') throw new UsageError(`config file ${path}: "${where}${key}" must be a string`);
    if (value !== '') settings[key] = value;
  }
  return settings;
}

function parseConfigFile(path: string, text: string): ConfigFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`config file ${path} is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(parsed)) throw new UsageError(`config file ${path} must hold a JSON object`);
  const profiles: Record<string, Settings> = {};
  const listed = parsed.profiles ?? {};
  if (!isObject(listed)) throw new UsageError(`config file ${path}: "profiles" must be an object of profiles`);
  for (const [name, profile] of Object.entries(listed)) {
    if (!isObject(profile)) throw new UsageError(`config file ${path}: profile "${name}" must be an object`);
    profiles[name] = readSettings(path, `profiles.${name}.`, profile, []);
  }
  const settings = readSettings(path, '', parsed, ['profiles', 'policy']);
  return { settings, profiles, ...(parsed.policy === undefined ? {} : { policy: parsed.policy }) };
}

/** The file's settings; a missing default file is empty, a missing file named by --config an error. */
export async function readConfigFile(path: string, isExplicit: boolean): Promise<ConfigFile> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch {
    if (isExplicit) throw new UsageError(`config file ${path} not found`);
    return EMPTY_FILE;
  }
  // The file holds a client secret: refuse it while anyone but its owner can read it.
  if ((mode & 0o077) !== 0) {
    throw new UsageError(`config file ${path} is readable by group or others; run: chmod 600 ${path}`);
  }
  return parseConfigFile(path, await readFile(path, 'utf8'));
}

/** Writes the file whole (a temporary file renamed over it), readable by its owner only. */
export async function writeConfigFile(path: string, file: ConfigFile): Promise<void> {
  const document = {
    ...file.settings,
    ...(Object.keys(file.profiles).length > 0 ? { profiles: file.profiles } : {}),
    ...(file.policy === undefined ? {} : { policy: file.policy }),
  };
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const partial = `${path}.partial-${process.pid}`;
  try {
    await writeFile(partial, `${JSON.stringify(document, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** The clock of the edge: LAPSE_NOW pins it, else the system clock. */
export function clockFrom(env: Environment): () => number {
  if (!env.LAPSE_NOW) return Date.now;
  const pinned = parseInstant(env.LAPSE_NOW);
  if (pinned === undefined)
    throw new UsageError(`LAPSE_NOW must be an ISO-8601 instant with a zone (got "${env.LAPSE_NOW}")`);
  return () => pinned;
}

/** The profile's settings, or a refusal listing the profiles the file has. */
function profileSettings(path: string, file: ConfigFile, name: string | undefined): Settings {
  if (name === undefined) return {};
  const profile = Object.hasOwn(file.profiles, name) ? file.profiles[name] : undefined;
  if (profile === undefined) {
    const known = Object.keys(file.profiles);
    throw new UsageError(
      `config file ${path} has no profile "${name}" (${known.length === 0 ? 'it has none' : `profiles: ${known.join(', ')}`})`,
    );
  }
  return profile;
}

export async function loadClientConfig(flags: ConfigFlags, env: Environment): Promise<ClientConfig> {
  const path = configPathOf(flags, env);
  const file = await readConfigFile(path, flags.config !== undefined);
  const profileName = flags.profile ?? (env.LAPSE_PROFILE || undefined);
  const profile = profileSettings(path, file, profileName);
  const fileSource = profileName === undefined ? path : `${path}, profile ${profileName}`;
  const fromEnvironment: Settings = {
    ...(env.LAPSE_BASE_URL ? { baseUrl: env.LAPSE_BASE_URL } : {}),
    ...(env.LAPSE_CLIENT_ID ? { clientId: env.LAPSE_CLIENT_ID } : {}),
    ...(env.LAPSE_CLIENT_SECRET ? { clientSecret: env.LAPSE_CLIENT_SECRET } : {}),
    ...(env.LAPSE_COMPANY_ID ? { companyId: env.LAPSE_COMPANY_ID } : {}),
  };
  const merged: Settings = { ...file.settings, ...fromEnvironment, ...profile };
  const baseUrl = flags.baseUrl ?? merged.baseUrl;
  const baseUrlSource =
    flags.baseUrl !== undefined
      ? '--base-url'
      : profile.baseUrl === undefined && fromEnvironment.baseUrl !== undefined
        ? 'LAPSE_BASE_URL'
        : `baseUrl in ${fileSource}`;
  const { clientId, clientSecret } = merged;
  const missing = [
    ...(baseUrl ? [] : ['LAPSE_BASE_URL (or --base-url)']),
    ...(clientId ? [] : ['LAPSE_CLIENT_ID']),
    ...(clientSecret ? [] : ['LAPSE_CLIENT_SECRET']),
  ];
  if (missing.length > 0 || !baseUrl || !clientId || !clientSecret) {
    const profiles = Object.keys(file.profiles);
    const choose =
      profileName === undefined && profiles.length > 0
        ? `, or choose a profile with --profile (${profiles.join(', ')})`
        : '';
    throw new UsageError(`missing ${missing.join(', ')}: set them in the environment or in ${fileSource}${choose}`);
  }
  if (!/^https?:\/\//i.test(baseUrl))
    throw new UsageError(`${baseUrlSource}: the base URL must start with http:// or https:// (got "${baseUrl}")`);
  return {
    baseUrl,
    baseUrlSource,
    clientId,
    clientSecret,
    companyId: flags.company ?? merged.companyId,
    profile: profileName,
    now: clockFrom(env),
    ...(file.policy === undefined ? {} : { policy: file.policy }),
  };
}
