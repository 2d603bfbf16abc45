// `lapse serve`: the Company API server. Flags win over env (LAPSE_*), env over defaults.
import type { Command } from 'commander';
import { buildApp } from '../../server/app.js';
import { DEFAULT_CONFIG, serverConfig } from '../../server/config.js';
import { serverLogger } from '../../server/logger.js';
import type { RegisterCommands } from '../command-module.js';

interface ServeOptions {
  host: string;
  port: string;
  database: string;
  rateLimit: string;
  issuer?: string;
  cors?: string;
  logLevel: string;
  databasePoolSize: string;
  searchCache: string;
}

/** A postgres URL without its password, for logs. */
function redactDatabaseUrl(database: string): string {
  return database.replace(/\/\/([^:@/]*):[^@]*@/, '//$1:***@');
}

function positiveInteger(name: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new Error(`${name} must be a whole number, not "${value}"`);
  return number;
}

export const register: RegisterCommands = (program: Command) => {
  const env = process.env;
  program
    .command('serve')
    .description('Run the Company API server')
    .option('--host <host>', 'address to listen on (LAPSE_HOST)', env.LAPSE_HOST ?? DEFAULT_CONFIG.host)
    .option(
      '--port <port>',
      'port to listen on; 0 picks a free one (LAPSE_PORT)',
      env.LAPSE_PORT ?? String(DEFAULT_CONFIG.port),
    )
    .option(
      '--database <file|url>',
      'SQLite file or postgres:// URL (LAPSE_DATABASE_URL)',
      env.LAPSE_DATABASE_URL ?? 'lapse.db',
    )
    .option(
      '--rate-limit <perMinute>',
      'requests per minute per client id (LAPSE_RATE_LIMIT)',
      env.LAPSE_RATE_LIMIT ?? String(DEFAULT_CONFIG.rateLimitPerMinute),
    )
    .option('--issuer <iss>', 'token issuer; the same on every instance (LAPSE_ISSUER)', env.LAPSE_ISSUER)
    .option(
      '--cors <origins>',
      'comma-separated origins allowed by CORS; none by default (LAPSE_CORS_ORIGINS)',
      env.LAPSE_CORS_ORIGINS,
    )
    .option(
      '--database-pool-size <connections>',
      'PostgreSQL connections per instance (LAPSE_DATABASE_POOL_SIZE)',
      env.LAPSE_DATABASE_POOL_SIZE ?? String(DEFAULT_CONFIG.databasePoolSize),
    )
    .option(
      '--search-cache <entries>',
      'search pages kept while the data is unchanged; 0 = off (LAPSE_SEARCH_CACHE)',
      env.LAPSE_SEARCH_CACHE ?? String(DEFAULT_CONFIG.searchCacheEntries),
    )
    .option(
      '--log-level <level>',
      'trace, debug, info, warn, error or silent (LAPSE_LOG_LEVEL)',
      env.LAPSE_LOG_LEVEL ?? 'info',
    )
    .action(async (options: ServeOptions) => {
      let config: ReturnType<typeof serverConfig>;
      try {
        config = serverConfig({
          database: options.database,
          host: options.host,
          port: positiveInteger('--port', options.port),
          rateLimitPerMinute: positiveInteger('--rate-limit', options.rateLimit),
          databasePoolSize: Math.max(1, positiveInteger('--database-pool-size', options.databasePoolSize)),
          searchCacheEntries: positiveInteger('--search-cache', options.searchCache),
          issuer: options.issuer ?? 'lapse',
          corsOrigins: options.cors
            ? options.cors
                .split(',')
                .map((o) => o.trim())
                .filter(Boolean)
            : [],
          logger: serverLogger(options.logLevel),
        });
      } catch (error) {
        process.stderr.write(`lapse serve: ${(error as Error).message}\n`);
        process.exit(2);
      }
      const app = await buildApp(config);
      const address = await app.listen({ host: config.host, port: config.port });
      app.log.info({ address, database: redactDatabaseUrl(config.database) }, 'lapse API listening');
      // One plain line for people and scripts, whatever the log level (logs go to stdout as JSON).
      process.stderr.write(`lapse API listening on ${address} (database ${redactDatabaseUrl(config.database)})\n`);
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
    });
};
