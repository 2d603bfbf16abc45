// The roll-ups of several profiles as one: each profile's groups and its Total, a Profile column first, then the
// grand total over the profiles that worked (each profile's companies counted once in its own total; a company two
// profiles both see counts in both).
import type { GroupTotals, RollUp } from '../../client/index.js';
import { batchOf, streamRecords } from '../../spreadsheet/index.js';
import {
  describeRollUp,
  type RollUpCells,
  renderTotalsTable,
  rollUpHead,
  rollUpLayout,
  rollUpRows,
  TOTAL_NAME,
  totalsRow,
} from '../commands/group-by.js';
import { describeError, exitCodeFor } from '../exit-codes.js';
import { type OutputTarget, writeOutput } from '../output/index.js';
import { PROFILE_HEAD } from './merged-listing.js';
import { isFailed, type ProfileOutcome } from './over-profiles.js';

/** The Profile cell of the grand total row. */
export const ALL_PROFILES = 'all';

function sumOf(rollUps: readonly RollUp[]): GroupTotals {
  const total: GroupTotals = { companies: 0, expired: 0, renewing: 0, overLimit: 0, seatsAffected: 0 };
  for (const { total: each } of rollUps) {
    total.companies += each.companies;
    total.expired += each.expired;
    total.renewing += each.renewing;
    total.overLimit += each.overLimit;
    total.seatsAffected += each.seatsAffected;
  }
  return total;
}

export async function reportMergedRollUp(target: OutputTarget, outcomes: ProfileOutcome<RollUp>[]): Promise<void> {
  const worked = outcomes.flatMap((outcome) => (isFailed(outcome) ? [] : [outcome]));
  for (const { profile, context, value } of worked) {
    for (const warning of value.warnings) context.warn(`profile ${profile}: ${warning}`);
  }
  const first = worked[0]?.value;
  if (first === undefined) return;
  const total = sumOf(worked.map((outcome) => outcome.value));
  const footer = [
    ...outcomes.flatMap((outcome) =>
      isFailed(outcome)
        ? [`${outcome.profile}: failed: ${describeError(outcome.error)}`]
        : describeRollUp(outcome.value, outcome.context.scope).map((line) => `${outcome.profile}: ${line}`),
    ),
    `total: ${total.companies} companies from ${worked.length} of ${outcomes.length} profiles · as of ${first.asOf} (${first.timeZone})`,
  ];
  if (target.format === 'json') {
    const profiles = outcomes.map((outcome) => {
      if (isFailed(outcome)) {
        return { profile: outcome.profile, error: describeError(outcome.error), exitCode: exitCodeFor(outcome.error) };
      }
      const { companies: _companies, warnings: _warnings, ...rollUp } = outcome.value;
      return { profile: outcome.profile, ...rollUp, scope: outcome.context.scope };
    });
    const { groupBy, asOf, timeZone, withinDays } = first;
    const document = { groupBy, asOf, timeZone, withinDays, profiles, total };
    return writeOutput(target.destination, `${JSON.stringify(document, null, 2)}\n`);
  }
  const head = [PROFILE_HEAD, ...rollUpHead(first.groupBy, first.withinDays)];
  const rows: RollUpCells[] = [
    ...worked.flatMap(({ profile, value }) => rollUpRows(value).map((row) => [profile, ...row])),
    [ALL_PROFILES, ...totalsRow(TOTAL_NAME, '', total, first.withinDays)],
  ];
  if (target.format === 'table') {
    return writeOutput(target.destination, `${renderTotalsTable(head, rows, 3)}\n${footer.join('\n')}\n`);
  }
  process.stderr.write(`${footer.join('\n')}\n`);
  return writeOutput(target.destination, streamRecords(target.format, rollUpLayout(head, 3), batchOf(rows)));
}
