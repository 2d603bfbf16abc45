// `--group-by reseller|licence-type|state` on the listing commands: instead of the companies, their totals per
// group (companies, expired, renewing within --within days, over the limit, seats affected) and a total row.
import { type Command, Option } from 'commander';
import { GROUP_BY, type GroupBy, type GroupTotals, type RollUp, type RollUpGroup } from '../../client/index.js';
import { type SheetLayout, sheetLayoutOf } from '../../spreadsheet/index.js';
import { UsageError } from '../exit-codes.js';
import { writeOutput } from '../output/index.js';
import { withProfilesOptions } from '../profiles/index.js';
import type { CommandContext } from './client-options.js';
import { type FileOptions, writeRollUpFile } from './listing-files.js';
import { parseWithinDays } from './renewals.js';

export interface GroupByFlags {
  groupBy?: GroupBy;
  within?: number;
}

/**
 * The listing commands' roll-up flags, and those that run a listing over several profiles. Renewals take
 * --within for their listing already; the other listings get it for the roll-up's column.
 */
export function withGroupByOptions(command: Command, options: { hasWithin: boolean }): Command {
  withProfilesOptions(command).addOption(
    new Option(
      '--group-by <key>',
      'totals per reseller, licence type or lifecycle state (see --policy) instead of the companies',
    ).choices(GROUP_BY),
  );
  if (options.hasWithin) return command;
  return command.option('--within <days>', 'with --group-by: renewing within this many days', parseWithinDays, 30);
}

const GROUP_HEADS: Record<GroupBy, string> = { reseller: 'Reseller', 'licence-type': 'Licence type', state: 'State' };
const GROUP_NOUNS: Record<GroupBy, string> = {
  reseller: 'resellers',
  'licence-type': 'licence types',
  state: 'states',
};

function totalColumns(withinDays: number): { head: string; value: (totals: GroupTotals) => number }[] {
  return [
    { head: 'Companies', value: (t) => t.companies },
    { head: 'Expired', value: (t) => t.expired },
    { head: `Renewing ≤ ${withinDays} d`, value: (t) => t.renewing },
    { head: 'Over limit', value: (t) => t.overLimit },
    { head: 'Seats affected', value: (t) => t.seatsAffected },
  ];
}

export const TOTAL_NAME = 'Total';

export type RollUpCells = (string | number)[];

/** The head of a roll-up's table: the group's name and id, then the totals. */
export function rollUpHead(groupBy: GroupBy, withinDays: number): string[] {
  return [GROUP_HEADS[groupBy], 'ID', ...totalColumns(withinDays).map((column) => column.head)];
}

/** A row of totals: the name, the id, then the totals' cells. */
export function totalsRow(name: string, id: string, totals: GroupTotals, withinDays: number): RollUpCells {
  return [name, id, ...totalColumns(withinDays).map((column) => column.value(totals))];
}

/** The roll-up's rows as cells: one per group, then the total (no id). */
export function rollUpRows(rollUp: RollUp): RollUpCells[] {
  const { withinDays } = rollUp;
  return [
    ...rollUp.groups.map((group: RollUpGroup) => totalsRow(group.name, group.resourceId ?? '', group, withinDays)),
    totalsRow(TOTAL_NAME, '', rollUp.total, withinDays),
  ];
}

const lengthOf = (text: string) => [...text].length;

/** Aligned columns: the first `textColumns` to the left, the numbers to the right. */
export function renderTotalsTable(head: readonly string[], rows: readonly RollUpCells[], textColumns: number): string {
  const texts = [head, ...rows.map((row) => row.map(String))];
  const widths = head.map((_, index) => Math.max(...texts.map((row) => lengthOf(row[index] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, index) => {
        const padding = ' '.repeat((widths[index] ?? 0) - lengthOf(cell));
        return index < textColumns ? cell + padding : padding + cell;
      })
      .join('  ')
      .trimEnd();
  return `${texts.map(line).join('\n')}\n`;
}

/** The lines under the table (on stderr beside a file): what was grouped, on which day, and how. */
export function describeRollUp(rollUp: RollUp, scope: string): string[] {
  const groups = `${rollUp.groups.length} ${GROUP_NOUNS[rollUp.groupBy]}`;
  const lines = [
    `${groups} · ${rollUp.total.companies} companies · as of ${rollUp.asOf} (${rollUp.timeZone}) · scope: ${scope}`,
    `grouped by ${rollUp.grouping.source === 'clustered' ? 'the server' : 'the client'}: ${rollUp.grouping.reason}`,
  ];
  if (rollUp.strategy) lines.push(`strategy ${rollUp.strategy.name}: ${rollUp.strategy.reason}`);
  return lines;
}

/** CSV and XLSX: the text columns (the group's name and id first, so "Group" and "Group ID"), then numbers. */
export function rollUpLayout(head: readonly string[], textColumns: number): SheetLayout {
  const nameAt = textColumns - 2;
  const columns = head.map((header, index) => ({
    header: index === nameAt ? 'Group' : index === nameAt + 1 ? 'Group ID' : header,
    kind: index < textColumns ? ('text' as const) : ('number' as const),
  }));
  return sheetLayoutOf(columns, 'Roll-up');
}

/** Roll-ups refuse the flags that change or keep a listing's rows: they print totals, not companies. */
export function assertGroupByAlone(flags: GroupByFlags & { record?: boolean; state?: string; lifecycle?: boolean }) {
  if (flags.groupBy !== undefined && (flags.record || flags.state !== undefined || flags.lifecycle)) {
    throw new UsageError('--group-by cannot be combined with --record, --state or --lifecycle');
  }
}

export async function reportRollUp(context: CommandContext, rollUp: RollUp, file?: FileOptions): Promise<void> {
  context.progress.stop();
  for (const warning of rollUp.warnings) context.warn(warning);
  const { format, destination } = context.target;
  const footer = describeRollUp(rollUp, context.scope);
  if (format === 'json') {
    const { companies: _companies, warnings: _warnings, ...document } = rollUp;
    return writeOutput(destination, `${JSON.stringify({ ...document, scope: context.scope }, null, 2)}\n`);
  }
  const head = rollUpHead(rollUp.groupBy, rollUp.withinDays);
  const rows = rollUpRows(rollUp);
  if (format === 'table') {
    return writeOutput(destination, `${renderTotalsTable(head, rows, 2)}\n${footer.join('\n')}\n`);
  }
  process.stderr.write(`${footer.join('\n')}\n`);
  return writeRollUpFile(context, rollUp, { layout: rollUpLayout(head, 2), records: rows }, file);
}
