// `lapse serve`: the Company API server, in one process or as a primary and its workers (--workers). Flags win
// over env (LAPSE_*), env over defaults.
import cluster from 'node:cluster';
import { InvalidArgumentError, Option } from 'commander';
import type { FastifyInstance } from 'fastify';
import {
  autoWorkerCount,
  linkToPrimary,
  prepareSharedState,
  startPrimary,
  WorkerStartError,
  workerConfig,
} from '../../server/cluster/index.js';
import { DEFAULT_SEARCH_LIMITS, dialectFor } from '../../server/db/index.js';
import {
  type AppParts,
  DEFAULT_CONFIG,
  loadBuildApp,
  type ServerConfig,
  serverConfig,
  serverLogger,
} from '../../server/index.js';
import type { RegisterCommands } from '../command-module.js';
import type { Environment, EnvironmentVariable } from '../environment.js';
import { describeError, EXIT_CODES, exitCodeFor, UsageError } from '../exit-codes.js';
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
  workers?: WorkerSetting;
  workerHeader?: boolean;
}

type WorkerSetting = number | 'auto';

/** A sanity bound: far more processes than any machine lapse runs on has cores. */
const MAX_WORKERS = 64;
const WORKERS_EXPECTED = `expected auto or a whole number from 1 to ${MAX_WORKERS}`;

function parseWorkers(text: string): WorkerSetting | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'auto') return 'auto';
  const count = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  return count >= 1 && count <= MAX_WORKERS ? count : undefined;
}

function workersOption(text: string): WorkerSetting {
  const setting = parseWorkers(text);
  if (setting === undefined) throw new InvalidArgumentError(WORKERS_EXPECTED);
  return setting;
}

/** How many processes serve: --workers, else LAPSE_WORKERS, else one per core (at most MAX_AUTO_WORKERS). */
function workerCountOf(flags: ServeFlags, environment: Environment): number {
  const text = environment.LAPSE_WORKERS;
  const fromEnvironment = text === undefined || text === '' ? undefined : parseWorkers(text);
  if (text && fromEnvironment === undefined) throw new UsageError(`LAPSE_WORKERS is "${text}": ${WORKERS_EXPECTED}`);
  const setting = flags.workers ?? fromEnvironment ?? 'auto';
  // An in-memory SQLite database lives inside one process: other processes cannot open it.
  const isInMemory = flags.database === ':memory:' || flags.database === '';
  if (!isInMemory) return setting === 'auto' ? autoWorkerCount() : setting;
  if (setting !== 'auto' && setting > 1)
    throw new UsageError('an in-memory database lives in one process: use --workers 1');
  return 1;
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

/** Builds the app and listens, with the operator's one-line reasons when it cannot. */
async function listeningApp(config: ServerConfig, parts: AppParts, hasWorkerHeader: boolean) {
  const buildApp = await loadBuildApp();
  const app = await buildApp(config, parts).catch((error: unknown) => {
    throw databaseError(error, config);
  });
  // Which process answered, for an operator (or a test) looking at how requests spread over the workers.
  // On the raw response, so that exports, which write their own head, carry it too.
  if (hasWorkerHeader) {
    app.addHook('onRequest', async (_request, reply) => void reply.raw.setHeader('x-lapse-worker', process.pid));
  }
  const address = await app.listen({ host: config.host, port: config.port }).catch(async (error: unknown) => {
    await app.close();
    throw listenError(error, config);
  });
  return { app, address };
}

/** Graceful shutdown: stop accepting, let in-flight requests finish, close the database, exit 0. */
function closeOnSignals(app: FastifyInstance, config: ServerConfig): void {
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

const locationOf = (config: ServerConfig) => dialectFor(config.database).describeLocation(config.database);

async function serveAlone(config: ServerConfig, hasWorkerHeader: boolean): Promise<void> {
  const { app, address } = await listeningApp(config, {}, hasWorkerHeader);
  app.log.info({ address, database: locationOf(config) }, 'lapse API listening');
  // One plain line for people and scripts, whatever the log level (logs go to stdout as JSON).
  process.stderr.write(`lapse API listening on ${address} (database ${locationOf(config)})\n`);
  closeOnSignals(app, config);
}

/** One of the primary's workers: the same app, its share of the budgets, the primary's buckets and counts. */
async function serveAsWorker(config: ServerConfig, workers: number, hasWorkerHeader: boolean): Promise<void> {
  const link = linkToPrimary(workers);
  // Stopped before it listens, a worker has nothing to drain.
  const exitAtOnce = () => process.exit(0);
  process.once('SIGTERM', exitAtOnce);
  process.once('SIGINT', exitAtOnce);
  try {
    await link.sharedState();
    const { app, address } = await listeningApp(
      workerConfig(config, workers),
      { workers: link.counts, onEveryWorkerListening: link.onEveryWorkerListening },
      hasWorkerHeader,
    );
    app.log.info({ address, database: locationOf(config) }, 'lapse API worker listening');
    // The drain's handlers first: a signal on its way while no handler is installed would be lost.
    closeOnSignals(app, config);
    process.off('SIGTERM', exitAtOnce);
    process.off('SIGINT', exitAtOnce);
  } catch (error) {
    // The primary reports it once, for the whole server: N workers failing alike print one line.
    await link.reportStartFailure(describeError(error), exitCodeFor(error));
    process.exit(exitCodeFor(error));
  }
}

async function servePrimary(config: ServerConfig, workers: number): Promise<void> {
  const log = typeof config.logger === 'object' ? config.logger : undefined;
  const primary = startPrimary({
    workers,
    // Prepared while the first worker loads its modules, which it needs before it opens the database.
    sharedState: prepareSharedState(config),
    shutdownGraceMs: config.shutdownGraceMs,
    onListening(address) {
      log?.info({ address, database: locationOf(config), workers }, 'lapse API listening');
      process.stderr.write(`lapse API listening on ${address} (database ${locationOf(config)}; ${workers} workers)\n`);
    },
    onEvent: (message, details) => log?.warn(details, message),
  });
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      log?.info({ signal }, 'shutting down the workers');
      primary.stop();
    });
  }
  try {
    process.exit(await primary.finished);
  } catch (error) {
    if (!(error instanceof WorkerStartError)) throw databaseError(error, config);
    throw error.exitCode === EXIT_CODES.usage ? new UsageError(error.message) : new Error(error.message);
  }
}

async function serve(config: ServerConfig, workers: number, hasWorkerHeader: boolean): Promise<void> {
  if (workers === 1) return serveAlone(config, hasWorkerHeader);
  if (cluster.isWorker) return serveAsWorker(config, workers, hasWorkerHeader);
  return servePrimary(config, workers);
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
    .addOption(
      new Option(
        '--workers <count>',
        'server processes sharing the port: a number, or auto = one per core, at most 8; 1 = a single process (LAPSE_WORKERS, default auto)',
      ).argParser(workersOption),
    )
    .option('--worker-header', 'add X-Lapse-Worker: <pid> to every response, to see which worker answered')
    .addOption(integerSettingOption('databasePoolSize', 'PostgreSQL connections per instance, shared by its workers'))
    .addOption(integerSettingOption('searchCache', 'search pages kept while the data is unchanged; 0 = off'))
    .addOption(integerSettingOption('exportsPerClient', 'exports streaming at once per client id'))
    .addOption(
      integerSettingOption(
        'exportsTotal',
        'exports streaming at once on this instance, shared by its workers (PostgreSQL: its own pool)',
      ),
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
    .action(async (flags: ServeFlags) => {
      const config = configFrom(flags, environment);
      const workers = workerCountOf(flags, environment);
      const signingKey = await readSigningKey(flags.signingKeyFile, environment);
      await serve({ ...config, signingKey }, workers, flags.workerHeader === true);
    });
};
