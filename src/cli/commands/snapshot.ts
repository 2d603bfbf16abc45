// `lapse snapshot`: lists every company of the scope (one listing) and keeps it in the history.
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { writeOutput } from '../output/index.js';
import { type CommonFlags, clientAction, withCommonOptions } from './client-options.js';
import { type HistoryFlags, openCommandHistory, withHistoryFileOption } from './history-options.js';

export function registerSnapshot(program: Command, environment: Environment): void {
  withHistoryFileOption(
    withCommonOptions(program.command('snapshot').description('record every company of the scope in the history')),
  ).action(
    clientAction<CommonFlags & HistoryFlags>(environment, async (context, flags) => {
      const history = openCommandHistory(context, flags, environment);
      try {
        const recorded = await history.snapshot(context.client, {
          asOf: context.asOf,
          timeZone: context.timeZone,
          pageSize: flags.pageSize,
        });
        context.progress.stop();
        for (const warning of recorded.warnings) context.warn(warning);
        const { warnings: _, ...snapshot } = recorded;
        const text =
          context.target.format === 'json'
            ? `${JSON.stringify({ history: history.path, snapshot }, null, 2)}\n`
            : `snapshot ${snapshot.id}: ${snapshot.companyCount} companies as of ${snapshot.asOf} ` +
              `(${snapshot.timeZone}) in ${history.path}; ${snapshot.added} new, ${snapshot.changed} changed, ` +
              `${snapshot.removed} gone\n`;
        await writeOutput(context.target.output, text);
      } finally {
        history.close();
      }
    }),
  );
}
