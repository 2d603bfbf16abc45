// What the database-side commands (seed, admin) share: the --database flag with its environment default, and
// --json for their results.
import type { Command } from 'commander';
import type { Environment } from '../environment.js';

export interface DatabaseFlags {
  database: string;
  json?: boolean;
}

export function withDatabaseOption(command: Command, environment: Environment): Command {
  return command
    .option(
      '--database <file|url>',
      'SQLite file or postgres:// URL (LAPSE_DATABASE_URL)',
      environment.LAPSE_DATABASE_URL || './lapse.db',
    )
    .option('--json', 'print the result as JSON');
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
