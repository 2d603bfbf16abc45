// `lapse ui [--port] [--open]`: serves the dashboard on 127.0.0.1 and prints its URL once the credential has been
// accepted. The page's API calls go through the SDK in this process with the configured credential, so the
// client secret never reaches the browser.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NetworkError, ServerError } from '../../client/index.js';
import type { RegisterCommands } from '../command-module.js';
import { explainFailure } from '../connection-failures.js';
import type { Environment } from '../environment.js';
import { describeError } from '../exit-codes.js';
import { integerOption, PORT_NUMBER } from '../integer-option.js';
import { type ConnectionFlags, connect, withConnectionOptions } from './client-options.js';
import { type HistoryFlags, loadPolicy, openCommandHistory, withHistoryAndPolicyOptions } from './history-options.js';

interface UiFlags extends ConnectionFlags, HistoryFlags {
  port: number;
  open?: boolean;
}

/** Hands the URL to xdg-open; says so when there is none, and the dashboard keeps running either way. */
function openInBrowser(url: string): void {
  const opener = spawn('xdg-open', [url], { stdio: 'ignore', detached: true });
  opener.once('error', (error) => {
    const reason = (error as { code?: string }).code === 'ENOENT' ? 'xdg-open is not installed' : error.message;
    process.stderr.write(`lapse ui: --open: ${reason}; open ${url} in a browser yourself\n`);
  });
  opener.unref();
}

async function serveDashboard(flags: UiFlags, environment: Environment): Promise<void> {
  // Loaded here rather than with the command line: its web server is code no other command runs.
  const { createHistoryAccess, createPortfolio, DEFAULT_WEB_ROOT, startDashboardServer } = await import(
    '../../dashboard/index.js'
  );
  const { config, client } = await connect(flags, environment);
  const policy = await loadPolicy({ config }, flags, environment);
  if (!existsSync(join(DEFAULT_WEB_ROOT, 'index.html'))) {
    throw new Error(`the dashboard's files are missing from ${DEFAULT_WEB_ROOT}: run npm run build`);
  }
  // A refused credential is reported here, not first in the browser. A server that cannot be reached yet may
  // come up later: the dashboard starts, says so on stderr, and the page shows it until then.
  try {
    await client.whoami();
  } catch (error) {
    const explained = explainFailure(error, config);
    if (!(explained instanceof NetworkError || explained instanceof ServerError)) throw explained;
    process.stderr.write(`lapse ui: ${describeError(explained)}; starting anyway\n`);
  }
  // The history is opened when a page first needs it (the Changes view, the acknowledged marks); the dashboard
  // records a snapshot only when asked to.
  const history = createHistoryAccess(() => openCommandHistory({ config }, flags, environment));
  const server = await startDashboardServer({
    client,
    portfolio: createPortfolio({ client, now: config.now, policy, acknowledgementsOn: history.acknowledgementsOn }),
    history,
    baseUrl: config.baseUrl,
    companyId: config.companyId,
    webRoot: DEFAULT_WEB_ROOT,
    port: flags.port,
  });
  process.stdout.write(`lapse ui: dashboard on ${server.url} (press Ctrl+C to stop)\n`);
  if (flags.open) openInBrowser(server.url);
  const stop = () => {
    server.close().finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

export const register: RegisterCommands = (program, environment) => {
  withHistoryAndPolicyOptions(
    withConnectionOptions(
      program
        .command('ui')
        .description('Serve the dashboard on 127.0.0.1 and print its URL once the credential is accepted.')
        .option('--port <port>', 'port to listen on (0 picks a free one)', integerOption(PORT_NUMBER), 4300)
        .option('--open', 'open the dashboard in a browser (xdg-open)'),
    ),
  ).action((flags: UiFlags) => serveDashboard(flags, environment));
};
