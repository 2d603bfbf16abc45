// `lapse serve`: the Company API server. Flags win over env (LAPSE_*), env over defaults.
import { Option } from 'commander';
import { DEFAULT_SEARCH_LIMITS, dialectFor } from '../../server/db/index.js';
import { buildApp, DEFAULT_CONFIG, type ServerConfig, serverConfig, serverLogger } from '../../server/index.js';
import type { RegisterCommands } from '../command-module.js';
import type { Environment, EnvironmentVariable } from '../environment.js';
import { UsageError } from '../exit-codes.js';
import { type IntegerRange, integerFromEnvironment, integerOption, PORT_NUMBER } from '../integer-option.js';
import { readSigningKey } from '../signing-key-file.js';

interface ServeFlags {
  host: string;
  port?: number;
  database: string;
  rateLimit?: number;
  issuer?: string;
  cors?: string;
  logLevel: string;
  databasePoolSize?: number;
  searchCache?: number;
  signingKeyFile?: string;
  exportsPerClient?: number;
  exportsTotal?: number;
  exportStallTimeout?: number;
  failedTokenLimit?: number;
  searchTimeout?: number;
  searchConcurrency?: number;
  searchQueue?: number;
}

/** The integer flags, each with its variable, its range and its default. */
const INTEGER_SETTINGS = {
  port: { flag: '--port <port>', variable: 'LAPSE_PORT', range: PORT_NUMBER, fallback: DEFAULT_CONFIG.port },
  rateLimit: {
    flag: '--rate-limit <perMinute>',
    variable: 'LAPSE_RATE_LIMIT',
    range: { min: 0 },
    fallback: DEFAULT_CONFIG.rateLimitPerMinute,
  },
  databasePoolSize: {
    flag: '--database-pool-size <connections>',
    variable: 'LAPSE_DATABASE_POOL_SIZE',
    range: { min: 1 },
    fallback: DEFAULT_CONFIG.databasePoolSize,
  },
  searchCache: {
    flag: '--search-cache <entries>',
    variable: 'LAPSE_SEARCH_CACHE',
    range: { min: 0 },
    fallback: DEFAULT_CONFIG.searchCacheEntries,
  },
  exportsPerClient: {
    flag: '--exports-per-client <exports>',
    variable: 'LAPSE_EXPORTS_PER_CLIENT',
    range: { min: 1 },
    fallback: DEFAULT_CONFIG.exportsPerClient,
  },
  exportsTotal: {
    flag: '--exports-total <exports>',
    variable: 'LAPSE_EXPORTS_TOTAL',
    range: { min: 1 },
    fallback: DEFAULT_CONFIG.exportsTotal,
  },
  exportStallTimeout: {
    flag: '--export-stall-timeout <ms>',
    variable: 'LAPSE_EXPORT_STALL_TIMEOUT_MS',
    range: { min: 1 },
    fallback: DEFAULT_CONFIG.exportStallTimeoutMs,
  },
  failedTokenLimit: {
    flag: '--failed-token-limit <perMinute>',
    variable: 'LAPSE_FAILED_TOKEN_LIMIT',
    range: { min: 1 },
    fallback: DEFAULT_CONFIG.failedTokenLimitPerMinute,
  },
  searchTimeout: {
    flag: '--search-timeout <ms>',
    variable: 'LAPSE_SEARCH_TIMEOUT_MS',
    range: { min: 1 },
    fallback: DEFAULT_CONFIG.searchTimeoutMs,
  },
  searchConcurrency: {
    flag: '--search-concurrency <queries>',
    variable: 'LAPSE_SEARCH_CONCURRENCY',
    range: { min: 1 },
    fallback: DEFAULT_SEARCH_LIMITS.concurrency,
  },
  searchQueue: {
    flag: '--search-queue <queries>',
    variable: 'LAPSE_SEARCH_QUEUE',
    range: { min: 0 },
    fallback: DEFAULT_CONFIG.searchQueuePerClient,
  },
} satisfies Record<string, { flag: string; variable: EnvironmentVariable; range: IntegerRange; fallback: number }>;

type IntegerSetting = keyof typeof INTEGER_SETTINGS;

/** A postgres URL without its password, for logs. */
function integerSettingOption(key: IntegerSetting, description: string): Option {
  const { flag, variable, range, fallback } = INTEGER_SETTINGS[key];
  return new Option(flag, `${description} (${variable}, default ${fallback})`).argParser(integerOption(range));
}

function integerSetting(flags: ServeFlags, environment: Environment, key: IntegerSetting): number {
  const { variable, range, fallback } = INTEGER_SETTINGS[key];
  return flags[key] ?? integerFromEnvironment(environment, variable, range) ?? fallback;
}

function loggerFor(level: string): ServerConfig['logger'] {
  try {
    return serverLogger(level);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function configFrom(flags: ServeFlags, environment: Environment): ServerConfig {
  return serverConfig({
    database: flags.database,
    host: flags.host,
    port: integerSetting(flags, environment, 'port'),
    rateLimitPerMinute: integerSetting(flags, environment, 'rateLimit'),
    databasePoolSize: integerSetting(flags, environment, 'databasePoolSize'),
    searchCacheEntries: integerSetting(flags, environment, 'searchCache'),
    exportsPerClient: integerSetting(flags, environment, 'exportsPerClient'),
    exportsTotal: integerSetting(flags, environment, 'exportsTotal'),
    exportStallTimeoutMs: integerSetting(flags, environment, 'exportStallTimeout'),
    failedTokenLimitPerMinute: integerSetting(flags, environment, 'failedTokenLimit'),
    searchTimeoutMs: integerSetting(flags, environment, 'searchTimeout'),
    // Unset, PostgreSQL takes the database pool size (see SearchLimits).
    searchConcurrency:
      flags.searchConcurrency ??
      integerFromEnvironment(environment, 'LAPSE_SEARCH_CONCURRENCY', INTEGER_SETTINGS.searchConcurrency.range),
    searchQueuePerClient: integerSetting(flags, environment, 'searchQueue'),
    issuer: flags.issuer ?? 'lapse',
    corsOrigins: flags.cors
      ? flags.cors
          .split(',')
          .map((o) => o.trim())
          .filter(Boolean)
      : [],
    logger: loggerFor(flags.logLevel),
  });
}

const systemCodeOf = (error: unknown) => (error as { code?: unknown } | null)?.code;

/** Why the database named cannot be opened, as one line the operator can act on (exit 2), or the error as it was. */
function databaseError(error: unknown, config: ServerConfig): unknown {
  const database = dialectFor(config.database).describeLocation(config.database);
  const code = systemCodeOf(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new UsageError(`cannot open the database ${database}: its directory does not exist`);
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new UsageError(`cannot open the database ${database}: not allowed to write there`);
  }
  return error;
}

/** Why the server cannot listen where asked, as one line the operator can act on (exit 2), or the error as it was. */
function listenError(error: unknown, config: ServerConfig): unknown {
  const where = `${config.host}:${config.port}`;
  switch (systemCodeOf(error)) {
    case 'EADDRINUSE':
      return new UsageError(`${where} is already in use: stop what listens there or choose another --port`);
    case 'EADDRNOTAVAIL':
      return new UsageError(`${config.host} is not an address of this machine: choose another --host`);
    case 'EACCES':
      return new UsageError(
        `not allowed to listen on ${where} (ports below 1024 need privileges): choose another --port`,
      );
    default:
      return error;
  }
}

async function serve(config: ServerConfig): Promise<void> {
  const app = await buildApp(config).catch((error: unknown) => {
    throw databaseError(error, config);
  });
  const address = await app.listen({ host: config.host, port: config.port }).catch(async (error: unknown) => {
    await app.close();
    throw listenError(error, config);
  });
  app.log.info(
    { address, database: dialectFor(config.database).describeLocation(config.database) },
    'lapse API listening',
  );
  // One plain line for people and scripts, whatever the log level (logs go to stdout as JSON).
  process.stderr.write(
    `lapse API listening on ${address} (database ${dialectFor(config.database).describeLocation(config.database)})\n`,
  );
  // Graceful shutdown: stop accepting, let in-flight requests finish, close the database, exit 0.
  let isClosing = false;
  const shutdown = (signal: string) => {
    if (isClosing) return;
    isClosing = true;
    app.log.info({ signal }, 'shutting down');
    const forced = setTimeout(() => process.exit(1), config.shutdownGraceMs);
    forced.unref();
    app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

export const register: RegisterCommands = (program, environment) => {
  program
    .command('serve')
    .description('Run the Company API server')
    .option('--host <host>', 'address to listen on (LAPSE_HOST)', environment.LAPSE_HOST ?? DEFAULT_CONFIG.host)
    .addOption(integerSettingOption('port', 'port to listen on; 0 picks a free one'))
    .option(
      '--database <file|url>',
      'SQLite file or postgres:// URL (LAPSE_DATABASE_URL)',
      environment.LAPSE_DATABASE_URL ?? 'lapse.db',
    )
    .addOption(integerSettingOption('rateLimit', 'requests per minute per client id'))
    .option('--issuer <iss>', 'token issuer; the same on every instance (LAPSE_ISSUER)', environment.LAPSE_ISSUER)
    .option(
      '--cors <origins>',
      'comma-separated origins allowed by CORS; none by default (LAPSE_CORS_ORIGINS)',
      environment.LAPSE_CORS_ORIGINS,
    )
    .addOption(integerSettingOption('databasePoolSize', 'PostgreSQL connections per instance'))
    .addOption(integerSettingOption('searchCache', 'search pages kept while the data is unchanged; 0 = off'))
    .addOption(integerSettingOption('exportsPerClient', 'exports streaming at once per client id'))
    .addOption(
      integerSettingOption('exportsTotal', 'exports streaming at once on this instance (PostgreSQL: its own pool)'),
    )
    .addOption(integerSettingOption('exportStallTimeout', 'ms an export waits for a client that reads nothing'))
    .addOption(
      integerSettingOption(
        'failedTokenLimit',
        'token attempts per minute per address (and per client id for addresses that failed); each attempt holds one until its secret is known good',
      ),
    )
    .addOption(
      integerSettingOption('searchTimeout', 'ms a search query may run (503 after) or wait for its turn (429 after)'),
    )
    .addOption(
      integerSettingOption(
        'searchConcurrency',
        'search queries running at once (SQLite: worker threads; PostgreSQL: a pool of its own, default the database pool size)',
      ),
    )
    .addOption(integerSettingOption('searchQueue', 'search queries one client id may have waiting for a turn'))
    .option(
      '--log-level <level>',
      'trace, debug, info, warn, error or silent (LAPSE_LOG_LEVEL)',
      environment.LAPSE_LOG_LEVEL ?? 'info',
    )
    .option(
      '--signing-key-file <file>',
      'Ed25519 token signing key (PEM or JWK, mode 0600); the database then keeps only its public key ' +
        '(LAPSE_SIGNING_KEY_FILE, or the key itself in LAPSE_SIGNING_KEY)',
    )
    .action(async (flags: ServeFlags) =>
      serve({ ...configFrom(flags, environment), signingKey: await readSigningKey(flags.signingKeyFile, environment) }),
    );
};
