// `--group-by reseller|licence-type` on the listing commands: instead of the companies, their totals per group
// (companies, expired, renewing within --within days, over the limit, seats affected) and a total row.
import { type Command, Option } from 'commander';
import { GROUP_BY, type GroupBy, type GroupTotals, type RollUp, type RollUpGroup } from '../../client/index.js';
import { type SheetLayout, sheetLayoutOf } from '../../spreadsheet/index.js';
import { writeOutput } from '../output/index.js';
import type { CommandContext } from './client-options.js';
import { type FileOptions, writeRollUpFile } from './listing-files.js';
import { parseWithinDays } from './renewals.js';

export interface GroupByFlags {
  groupBy?: GroupBy;
  within?: number;
}

/** Renewals take --within for their listing already; the other listings get it for the roll-up's column. */
export function withGroupByOptions(command: Command, options: { hasWithin: boolean }): Command {
  command.addOption(
    new Option('--group-by <key>', 'totals per reseller or licence type instead of the companies').choices(GROUP_BY),
  );
  if (options.hasWithin) return command;
  return command.option('--within <days>', 'with --group-by: renewing within this many days', parseWithinDays, 30);
}

const GROUP_HEADS: Record<GroupBy, string> = { reseller: 'Reseller', 'licence-type': 'Licence type' };

function totalColumns(withinDays: number): { head: string; value: (totals: GroupTotals) => number }[] {
  return [
    { head: 'Companies', value: (t) => t.companies },
    { head: 'Expired', value: (t) => t.expired },
    { head: `Renewing ≤ ${withinDays} d`, value: (t) => t.renewing },
    { head: 'Over limit', value: (t) => t.overLimit },
    { head: 'Seats affected', value: (t) => t.seatsAffected },
  ];
}

const TOTAL_NAME = 'Total';

/** The roll-up's rows as cells: one per group, then the total (no id). */
function rowsOf(rollUp: RollUp): { head: string[]; rows: (string | number)[][] } {
  const columns = totalColumns(rollUp.withinDays);
  const row = (name: string, id: string, totals: GroupTotals) => [name, id, ...columns.map((c) => c.value(totals))];
  return {
    head: [GROUP_HEADS[rollUp.groupBy], 'ID', ...columns.map((column) => column.head)],
    rows: [
      ...rollUp.groups.map((group: RollUpGroup) => row(group.name, group.resourceId ?? '', group)),
      row(TOTAL_NAME, '', rollUp.total),
    ],
  };
}

const lengthOf = (text: string) => [...text].length;

function renderRollUpTable(rollUp: RollUp): string {
  const { head, rows } = rowsOf(rollUp);
  const texts = [head, ...rows.map((row) => row.map(String))];
  const widths = head.map((_, index) => Math.max(...texts.map((row) => lengthOf(row[index] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, index) => {
        const padding = ' '.repeat((widths[index] ?? 0) - lengthOf(cell));
        return index < 2 ? cell + padding : padding + cell;
      })
      .join('  ')
      .trimEnd();
  return `${texts.map(line).join('\n')}\n`;
}

/** The lines under the table (on stderr beside a file): what was grouped, on which day, and how. */
export function describeRollUp(rollUp: RollUp, scope: string): string[] {
  const groups = `${rollUp.groups.length} ${rollUp.groupBy === 'reseller' ? 'resellers' : 'licence types'}`;
  const lines = [
    `${groups} · ${rollUp.total.companies} companies · as of ${rollUp.asOf} (${rollUp.timeZone}) · scope: ${scope}`,
    `grouped by ${rollUp.grouping.source === 'clustered' ? 'the server' : 'the client'}: ${rollUp.grouping.reason}`,
  ];
  if (rollUp.strategy) lines.push(`strategy ${rollUp.strategy.name}: ${rollUp.strategy.reason}`);
  return lines;
}

/** CSV and XLSX: one row per group and the total row, the group's name in the first column. */
function rollUpLayout(rollUp: RollUp): SheetLayout {
  const { head } = rowsOf(rollUp);
  const columns = head.map((header, index) => ({
    header: index === 0 ? 'Group' : index === 1 ? 'Group ID' : header,
    kind: index < 2 ? ('text' as const) : ('number' as const),
  }));
  return sheetLayoutOf(columns, 'Roll-up');
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
  if (format === 'table') {
    return writeOutput(destination, `${renderRollUpTable(rollUp)}\n${footer.join('\n')}\n`);
  }
  process.stderr.write(`${footer.join('\n')}\n`);
  return writeRollUpFile(context, rollUp, { layout: rollUpLayout(rollUp), records: rowsOf(rollUp).rows }, file);
}
