// What the database-side commands (seed, admin) share: the --database flag with its environment default, and
// the one place their failures become a line on stderr and an exit code.
import type { Command } from 'commander';
import { describeError, exitCodeFor } from '../exit-codes.js';

export interface DatabaseFlags {
  database: string;
  json?: boolean;
}

export function withDatabaseOption(command: Command): Command {
  return command
    .option(
      '--database <file|url>',
      'SQLite file or postgres:// URL (LAPSE_DATABASE_URL)',
      process.env.LAPSE_DATABASE_URL || './lapse.db',
    )
    .option('--json', 'print the result as JSON');
}

/** Runs a command's work; a failure prints `lapse <command>: <message>` and sets the exit code (no stack). */
export function databaseAction<Args extends unknown[]>(
  commandName: string,
  work: (...args: Args) => Promise<void>,
): (...args: Args) => Promise<void> {
  return async (...args) => {
    try {
      await work(...args);
    } catch (error) {
      process.stderr.write(`lapse ${commandName}: ${describeError(error).replaceAll('\n', ' ')}\n`);
      process.exitCode = exitCodeFor(error);
    }
  };
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
