// The `lapse` command line: server-side commands (serve, seed, admin, migrate) and the reseller's commands
// (expired, renewals, over-limit, companies, export, whoami, ui). Each commands/ file registers its own.
import { Command } from 'commander';
import { runProgram } from './command-action.js';
import { withShortUsageThroughout } from './commands/client-options.js';
import { COMMANDS } from './commands/index.js';
import { readEnvironment } from './environment.js';
import { EXIT_CODES } from './exit-codes.js';
import { packageVersion } from './package-version.js';

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
