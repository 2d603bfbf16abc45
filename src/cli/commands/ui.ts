// `lapse ui [--port]`: serves the dashboard on 127.0.0.1 and prints its URL. The page's API calls go through the
// SDK in this process with the configured credential, so the client secret never reaches the browser.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from 'commander';
import { createClient } from '../../client/index.js';
import { createPortfolio, DEFAULT_WEB_ROOT, startDashboardServer } from '../../dashboard/index.js';
import type { RegisterCommands } from '../command-module.js';
import { loadClientConfig } from '../config.js';
import { describeError, exitCodeFor } from '../exit-codes.js';

interface UiFlags {
  port: number;
  config?: string;
  baseUrl?: string;
  company?: string;
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new InvalidArgumentError('must be a port from 0 to 65535');
  return port;
}

async function serveDashboard(flags: UiFlags): Promise<void> {
  const config = await loadClientConfig(flags, process.env);
  if (!existsSync(join(DEFAULT_WEB_ROOT, 'index.html'))) {
    throw new Error(`the dashboard's files are missing from ${DEFAULT_WEB_ROOT}: run npm run build`);
  }
  const client = createClient(config);
  const server = await startDashboardServer({
    client,
    portfolio: createPortfolio({ client, now: config.now }),
    baseUrl: config.baseUrl,
    companyId: config.companyId,
    webRoot: DEFAULT_WEB_ROOT,
    port: flags.port,
  });
  process.stdout.write(`lapse ui: dashboard on ${server.url} (press Ctrl+C to stop)\n`);
  const stop = () => {
    server.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export const register: RegisterCommands = (program) => {
  program
    .command('ui')
    .description('Serve the dashboard on 127.0.0.1 and print its URL.')
    .option('--port <port>', 'port to listen on (0 picks a free one)', parsePort, 4300)
    .action(async (_flags: UiFlags, command) => {
      // The shared connection flags (--config, --base-url, --company) may be declared on the program.
      const flags = command.optsWithGlobals() as UiFlags;
      try {
        await serveDashboard(flags);
      } catch (error) {
        process.stderr.write(`lapse ui: ${describeError(error)}\n`);
        process.exitCode = exitCodeFor(error);
      }
    });
};
