// The environment variables lapse reads. main.ts reads process.env once, here, and passes the result down, so
// every command (and every test) sees the same typed values and a misspelt name does not compile.
export const ENVIRONMENT_VARIABLES = [
  'HOME',
  'XDG_CONFIG_HOME',
  'XDG_DATA_HOME',
  'COLUMNS',
  'LAPSE_BASE_URL',
  'LAPSE_CLIENT_ID',
  'LAPSE_CLIENT_SECRET',
  'LAPSE_COMPANY_ID',
  'LAPSE_PROFILE',
  'LAPSE_NOW',
  'LAPSE_HISTORY',
  'LAPSE_POLICY',
  'LAPSE_SMTP_URL',
  'LAPSE_WEBHOOK_SECRET',
  'LAPSE_DATABASE_URL',
  'LAPSE_HOST',
  'LAPSE_PORT',
  'LAPSE_RATE_LIMIT',
  'LAPSE_ISSUER',
  'LAPSE_CORS_ORIGINS',
  'LAPSE_DATABASE_POOL_SIZE',
  'LAPSE_SEARCH_CACHE',
  'LAPSE_EXPORTS_PER_CLIENT',
  'LAPSE_EXPORTS_TOTAL',
  'LAPSE_EXPORT_STALL_TIMEOUT_MS',
  'LAPSE_FAILED_TOKEN_LIMIT',
  'LAPSE_SEARCH_TIMEOUT_MS',
  'LAPSE_SEARCH_CONCURRENCY',
  'LAPSE_SEARCH_QUEUE',
  'LAPSE_WORKERS',
  'LAPSE_LOG_LEVEL',
  'LAPSE_SIGNING_KEY',
  'LAPSE_SIGNING_KEY_FILE',
] as const;

export type EnvironmentVariable = (typeof ENVIRONMENT_VARIABLES)[number];

export type Environment = Readonly<Partial<Record<EnvironmentVariable, string>>>;

export function readEnvironment(source: Readonly<Record<string, string | undefined>>): Environment {
  const environment: Partial<Record<EnvironmentVariable, string>> = {};
  for (const name of ENVIRONMENT_VARIABLES) {
    const value = source[name];
    if (value !== undefined) environment[name] = value;
  }
  return environment;
}
