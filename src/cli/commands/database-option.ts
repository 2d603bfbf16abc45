// What the database-side commands (seed, admin) share: the --database flag with its environment default, and
// --json for their results.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { UsageError } from '../exit-codes.js';

export interface DatabaseFlags {
  database: string;
  json?: boolean;
}

export const DEFAULT_DATABASE = './lapse.db';

export interface DatabaseOptionRules {
  /**
   * The default ./lapse.db is used only when it exists: a command that changes a database must not make an empty
   * one where the operator forgot to name theirs.
   */
  isDefaultRequiredToExist?: boolean;
}

export function withDatabaseOption(
  command: Command,
  environment: Environment,
  rules: DatabaseOptionRules = {},
): Command {
  const fromEnvironment = environment.LAPSE_DATABASE_URL || undefined;
  if (rules.isDefaultRequiredToExist && fromEnvironment === undefined) {
    command.hook('preAction', (_command, action) => {
      if (action.getOptionValueSource('database') !== 'default' || existsSync(DEFAULT_DATABASE)) return;
      throw new UsageError(
        `no database given and ${DEFAULT_DATABASE} does not exist: name one with --database <file|url> or LAPSE_DATABASE_URL`,
      );
    });
  }
  return command
    .option(
      '--database <file|url>',
      'SQLite file or postgres:// URL (LAPSE_DATABASE_URL)',
      fromEnvironment ?? DEFAULT_DATABASE,
    )
    .option('--json', 'print the result as JSON');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
