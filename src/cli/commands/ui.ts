// `lapse ui [--port]`: serves the dashboard on 127.0.0.1 and prints its URL. The page's API calls go through the
// SDK in this process with the configured credential, so the client secret never reaches the browser.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from '../../client/index.js';
import { createPortfolio, DEFAULT_WEB_ROOT, startDashboardServer } from '../../dashboard/index.js';
import type { RegisterCommands } from '../command-module.js';
import { loadClientConfig } from '../config.js';
import type { Environment } from '../environment.js';
import { integerOption, PORT_NUMBER } from '../integer-option.js';

interface UiFlags {
  port: number;
  config?: string;
  baseUrl?: string;
  company?: string;
}

async function serveDashboard(flags: UiFlags, environment: Environment): Promise<void> {
  const config = await loadClientConfig(flags, environment);
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

export const register: RegisterCommands = (program, environment) => {
  program
    .command('ui')
    .description('Serve the dashboard on 127.0.0.1 and print its URL.')
    .option('--port <port>', 'port to listen on (0 picks a free one)', integerOption(PORT_NUMBER), 4300)
    // The shared connection flags (--config, --base-url, --company) may be declared on the program.
    .action((_flags: UiFlags, command) => serveDashboard(command.optsWithGlobals() as UiFlags, environment));
};
