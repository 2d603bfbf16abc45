// The `lapse` command line: server-side commands (serve, seed, admin, migrate) and the reseller's commands
// (expired, renewals, over-limit, companies, export, whoami, ui). Each commands/ file registers its own.
import { existsSync, readFileSync } from 'node:fs';
import { Command } from 'commander';
import { runProgram } from './command-action.js';
import { withShortUsageThroughout } from './commands/client-options.js';
import { COMMANDS } from './commands/index.js';
import { readEnvironment } from './environment.js';
import { EXIT_CODES } from './exit-codes.js';

/** The package's version, from the package.json above this file (src/cli in a checkout, dist/src/cli when built). */
function packageVersion(): string {
  for (let dir = new URL('./', import.meta.url); dir.pathname !== '/'; dir = new URL('../', dir)) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return 'unknown';
}

const program = new Command('lapse')
  .description('Find, list and export the customer companies whose licence has expired, or is about to.')
  .version(packageVersion(), '-V, --version', 'print the version')
  // contract of the CLI: usage errors exit 2 (commander's default is 1).
  .exitOverride((error) => {
    if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') process.exit(EXIT_CODES.ok);
    process.exit(EXIT_CODES.usage);
  });

const environment = readEnvironment(process.env);
for (const register of COMMANDS) register(program, environment);
withShortUsageThroughout(program);

await runProgram(program, process.argv);
