// `lapse changes --since last|7d|YYYY-MM-DD`: lists the scope now, records it, and reports what changed since the
// snapshot named. Exit 0 when nothing changed, 10 when something did (exit-codes.ts), anything else on failure.
import { type Command, Option } from 'commander';
import type { Environment } from '../environment.js';
import { EXIT_CODES } from '../exit-codes.js';
import { changeRowsOf, writeChanges } from './changes-output.js';
import { type CommonFlags, clientAction, withCommonOptions } from './client-options.js';
import { type HistoryFlags, loadPolicy, withCommandHistory, withHistoryAndPolicyOptions } from './history-options.js';
import { parseWithinDays } from './renewals.js';

interface ChangesFlags extends CommonFlags, HistoryFlags {
  since: string;
  within: number;
  record: boolean;
  groupBy?: 'reseller';
}

export function registerChanges(program: Command, environment: Environment): void {
  withHistoryAndPolicyOptions(
    withCommonOptions(
      program
        .command('changes')
        .description('what changed since a snapshot: expired, renewed, renewing, over or under limit, added, removed')
        .option(
          '--since <when>',
          'last (the newest snapshot), a number of days such as 7d, or a YYYY-MM-DD day',
          'last',
        )
        .option('--within <days>', 'the renewal window for "newly-renewing", e.g. 30d', parseWithinDays, 30)
        .option('--no-record', 'do not keep this run as a snapshot')
        .addOption(new Option('--group-by <field>', 'one group per reseller').choices(['reseller'])),
    ),
  ).action(
    clientAction<ChangesFlags>(environment, async (context, flags) => {
      const policy = await loadPolicy(context, flags, environment);
      await withCommandHistory(context, flags, environment, async (history, scope) => {
        const { since, within: withinDays, record } = flags;
        const report = await history.changes(context.client, {
          ...scope,
          since,
          withinDays,
          record,
          includeAcknowledged: true,
        });
        context.progress.stop();
        for (const warning of report.warnings) context.warn(warning);
        const isGrouped = flags.groupBy === 'reseller';
        const changes = isGrouped ? history.groupByReseller(report.changes) : report.changes;
        await writeChanges(context.target, report, changeRowsOf({ ...report, changes }, policy), {
          isGroupedByReseller: isGrouped,
          limit: context.limit,
        });
        if (changes.length > 0) process.exitCode = EXIT_CODES.changed;
      });
    }),
  );
}
