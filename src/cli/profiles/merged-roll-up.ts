// The roll-ups of several profiles as one: each profile's groups and its Total, a Profile column first, then the
// grand total over the profiles that worked (each profile's companies counted once in its own total; a company two
// profiles both see counts in both). A CSV or XLSX file says what it holds as a profile's own roll-up file does
// (About sheet, manifest), each profile's facts merged (merged-facts.ts).
import type { GroupTotals, RollUp } from '../../client/index.js';
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
import { fileOptionsOf } from '../commands/history-options.js';
import { rollUpFactsOf } from '../commands/listing-files.js';
import { describeError, exitCodeFor } from '../exit-codes.js';
import { type OutputTarget, ownSheetLayout, writeOutput, writeOwnFile } from '../output/index.js';
import { mergedFactsOf, type ProfileFileFacts } from './merged-facts.js';
import { type MergeSetting, PROFILE_HEAD } from './merged-listing.js';
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

/** The merged roll-up's file: its rows on "Roll-up" (the CSV's rows), then About; the facts each profile's. */
async function writeMergedRollUpFile(
  target: OutputTarget & { format: 'csv' | 'xlsx' },
  outcomes: readonly ProfileOutcome<RollUp>[],
  summary: { head: readonly string[]; rows: readonly RollUpCells[]; companies: number },
  setting: MergeSetting,
): Promise<void> {
  const layout = ownSheetLayout(rollUpLayout(summary.head, 3).columns, 'Roll-up');
  const headers = layout.columns.map((column) => column.header);
  const profiles: ProfileFileFacts[] = [];
  let generatedAt = '';
  for (const outcome of outcomes) {
    if (isFailed(outcome)) {
      profiles.push(outcome);
      continue;
    }
    const { context, value: rollUp } = outcome;
    const file = await fileOptionsOf(context, setting.flags, setting.environment, setting.listing);
    const rows = rollUpRows(rollUp).length;
    const facts = rollUpFactsOf(context, rollUp, file, { rows, headers }, []);
    generatedAt ||= facts.generatedAt;
    profiles.push({ profile: outcome.profile, facts });
  }
  const own = { rows: summary.rows.length, matched: summary.companies, columns: headers, generatedAt };
  const facts = mergedFactsOf(profiles, own);
  const sheets = [{ name: layout.title, layout, records: summary.rows }];
  return writeOwnFile(target.destination, { format: target.format, facts, sheets });
}

export async function reportMergedRollUp(
  target: OutputTarget,
  outcomes: ProfileOutcome<RollUp>[],
  setting: MergeSetting,
): Promise<void> {
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
  const { format } = target;
  const summary = { head, rows, companies: worked.reduce((sum, { value }) => sum + value.companies.length, 0) };
  return writeMergedRollUpFile({ ...target, format }, outcomes, summary, setting);
}
