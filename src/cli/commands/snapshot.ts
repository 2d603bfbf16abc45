// `lapse snapshot`: lists every company of the scope (one listing) and keeps it in the history.
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { UsageError } from '../exit-codes.js';
import { writeOutput } from '../output/index.js';
import { type CommonFlags, clientAction, withCommonOptions } from './client-options.js';
import { type HistoryFlags, withCommandHistory, withHistoryFileOption } from './history-options.js';

export function registerSnapshot(program: Command, environment: Environment): void {
  withHistoryFileOption(
    withCommonOptions(program.command('snapshot').description('record every company of the scope in the history')),
  ).action(
    clientAction<CommonFlags & HistoryFlags>(environment, async (context, flags) => {
      if (flags.limit !== undefined) throw new UsageError('--limit: a snapshot records every company of the scope');
      await withCommandHistory(context, flags, environment, async (history, scope) => {
        const recorded = await history.snapshot(context.client, scope);
        context.progress.stop();
        for (const warning of recorded.warnings) context.warn(warning);
        const { warnings: _, ...snapshot } = recorded;
        const text =
          context.target.format === 'json'
            ? `${JSON.stringify({ history: history.path, snapshot }, null, 2)}\n`
            : `snapshot ${snapshot.id}: ${snapshot.companyCount} companies as of ${snapshot.asOf} ` +
              `(${snapshot.timeZone}) in ${history.path}; ${snapshot.added} new, ${snapshot.changed} changed, ` +
              `${snapshot.removed} gone\n`;
        await writeOutput(context.target.destination, text);
      });
    }),
  );
}
