// How `lapse changes` reports: one row per change (a company may have several), as table, JSON, CSV or Excel. The
// table ends with a footer saying what was compared; beside CSV or Excel the same lines go to stderr.
import type { Readable } from 'node:stream';
import {
  type CalendarDay,
  type Lifecycle,
  type LifecyclePolicy,
  lifecycleOn,
  UNLIMITED,
} from '../../contract/index.js';
import type { ChangeReport, CompanyChange, CompanyFacts } from '../../history/index.js';
import { type SheetColumn, type SpreadsheetFormat, sheetLayoutOf, streamRecords } from '../../spreadsheet/index.js';
import { type OutputTarget, renderRows, type TableColumn, writeOutput } from '../output/index.js';
import { limitRows } from './listing-report.js';

const CHANGE_COLUMNS: readonly SheetColumn[] = [
  { header: 'Change', kind: 'text' },
  { header: 'Company Name', kind: 'text' },
  { header: 'Company ID', kind: 'text' },
  { header: 'Reseller Name', kind: 'text' },
  { header: 'Renewal Date Before', kind: 'date' },
  { header: 'Renewal Date After', kind: 'date' },
  { header: 'Renewed By Days', kind: 'number' },
  { header: 'License Type Before', kind: 'text' },
  { header: 'License Type After', kind: 'text' },
  { header: 'Target Users Before', kind: 'number' },
  { header: 'Target Users After', kind: 'number' },
  { header: 'License Limit Before', kind: 'number' },
  { header: 'License Limit After', kind: 'number' },
  { header: 'Lifecycle State', kind: 'text' },
  { header: 'Next State Change', kind: 'date' },
];
const CHANGE_LAYOUT = sheetLayoutOf(CHANGE_COLUMNS, 'Changes');

export interface ChangeRow extends CompanyChange {
  /** lapse's lifecycle state now (null for a company gone). */
  lifecycle: Lifecycle | null;
}

export function changeRowsOf(report: ChangeReport, policy: LifecyclePolicy): ChangeRow[] {
  return report.changes.map((change) => ({
    ...change,
    lifecycle:
      change.after === null
        ? null
        : lifecycleOn(change.after.renewalDay, change.after.licenceType, report.asOf, policy),
  }));
}

const limitCell = (facts: CompanyFacts | null) =>
  facts === null ? null : facts.userLimit === null ? UNLIMITED : facts.userLimit;

function recordOf(row: ChangeRow) {
  const { before, after } = row;
  return [
    row.kind,
    row.companyName,
    row.companyResourceId,
    row.resellerName,
    before?.renewalDay ?? null,
    after?.renewalDay ?? null,
    row.renewedByDays,
    before?.licenceType ?? null,
    after?.licenceType ?? null,
    before?.targetUserCount ?? null,
    after?.targetUserCount ?? null,
    limitCell(before),
    limitCell(after),
    row.lifecycle?.state ?? null,
    row.lifecycle?.nextChange ?? null,
  ];
}

async function* recordsOf(rows: readonly ChangeRow[]) {
  for (const row of rows) yield [recordOf(row)];
}

const renewalText = (facts: CompanyFacts | null) =>
  facts === null ? '' : facts.renewalDay === null ? 'open-ended' : facts.renewalDay;
const usersText = (facts: CompanyFacts | null) =>
  facts === null ? '' : `${facts.targetUserCount} / ${facts.userLimit ?? UNLIMITED.toLowerCase()}`;

/** Before and after, in the terms of the change. */
export function describeChange(row: ChangeRow): [string, string] {
  switch (row.kind) {
    case 'newly-over-limit':
    case 'back-under-limit':
      return [usersText(row.before), usersText(row.after)];
    case 'licence-type-changed':
      return [row.before?.licenceType ?? '', row.after?.licenceType ?? ''];
    case 'renewed':
      return [
        renewalText(row.before),
        `${renewalText(row.after)}${row.renewedByDays === null ? '' : ` (+${row.renewedByDays} days)`}`,
      ];
    default:
      return [renewalText(row.before), renewalText(row.after)];
  }
}

export const CHANGE_TABLE: readonly TableColumn<ChangeRow>[] = [
  { head: 'Change', cell: (row) => row.kind },
  { head: 'Company', cell: (row) => row.companyName, shrinksTo: 10 },
  { head: 'Company ID', cell: (row) => row.companyResourceId },
  { head: 'Reseller', cell: (row) => row.resellerName ?? '', shrinksTo: 6, dropRank: 1 },
  { head: 'Before', cell: (row) => describeChange(row)[0] },
  { head: 'After', cell: (row) => describeChange(row)[1] },
  { head: 'Lifecycle state', cell: (row) => row.lifecycle?.state ?? '', dropRank: 2 },
];

interface ResellerGroup {
  resellerName: string | null;
  changes: ChangeRow[];
}

/** Rows already sorted by reseller, cut where the reseller changes. */
function groupsOf(rows: readonly ChangeRow[]): ResellerGroup[] {
  const groups: ResellerGroup[] = [];
  for (const row of rows) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last.resellerName === row.resellerName) last.changes.push(row);
    else groups.push({ resellerName: row.resellerName, changes: [row] });
  }
  return groups;
}

/** "3 newly-expired, 1 renewed": the count of each kind present. */
export function describeCounts(rows: readonly CompanyChange[]): string {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.kind, (counts.get(row.kind) ?? 0) + 1);
  return [...counts].map(([kind, count]) => `${count} ${kind}`).join(', ') || 'nothing';
}

function describeSince(report: ChangeReport): { id: number; asOf: CalendarDay; takenAt: string; view: string } {
  const { id, asOf, takenAt, view } = report.since;
  return { id, asOf, takenAt, view };
}

/** The JSON document of a report: `lapse changes --format json`, and the body of a digest. */
export function changesDocument(
  report: ChangeReport,
  shown: readonly ChangeRow[],
  matched: number,
  isGroupedByReseller: boolean,
) {
  return {
    since: describeSince(report),
    asOf: report.asOf,
    timeZone: report.timeZone,
    withinDays: report.withinDays,
    companyCount: report.companyCount,
    recordedSnapshot: report.recorded?.id ?? null,
    count: shown.length,
    ...(shown.length === matched ? {} : { matched }),
    ...(isGroupedByReseller ? { groups: groupsOf(shown) } : { changes: shown }),
  };
}

/** What was compared, how many changes of each kind, and what was recorded. */
function describeReport(report: ChangeReport, shown: readonly ChangeRow[], all: readonly ChangeRow[]): string {
  const since = report.since;
  const count = shown.length === all.length ? `${all.length}` : `${shown.length} of ${all.length}`;
  return (
    `${count} changes since snapshot ${since.id} (${since.view}, as of ${since.asOf}, taken ${since.takenAt}) ` +
    `to ${report.asOf} (${report.timeZone}): ${describeCounts(all)}` +
    `${report.recorded === undefined ? '' : `; recorded snapshot ${report.recorded.id}`}`
  );
}

/** The rows as the CSV or Excel file `lapse changes --format csv|xlsx` writes. */
export function streamChangeSpreadsheet(format: SpreadsheetFormat, rows: readonly ChangeRow[]): Readable {
  return streamRecords(format, CHANGE_LAYOUT, recordsOf(rows));
}

/** Writes the rows (the first `limit` of them, when given). */
export async function writeChanges(
  target: OutputTarget,
  report: ChangeReport,
  rows: readonly ChangeRow[],
  options: { isGroupedByReseller: boolean; limit: number | undefined },
): Promise<void> {
  const shown = limitRows(rows, options.limit);
  const summary = describeReport(report, shown, rows);
  switch (target.format) {
    case 'json': {
      const document = changesDocument(report, shown, rows.length, options.isGroupedByReseller);
      return writeOutput(target.destination, `${JSON.stringify(document, null, 2)}\n`);
    }
    case 'table': {
      const table = (changes: readonly ChangeRow[]) =>
        renderRows(CHANGE_TABLE, changes, report.asOf, { width: target.width });
      const text = options.isGroupedByReseller
        ? groupsOf(shown)
            .map(
              (group) =>
                `${group.resellerName ?? '(no reseller)'}: ${group.changes.length} changes\n${table(group.changes)}`,
            )
            .join('\n')
        : table(shown);
      return writeOutput(target.destination, `${text}\n${summary}\n`);
    }
    default:
      process.stderr.write(`${summary}\n`);
      return writeOutput(target.destination, streamChangeSpreadsheet(target.format, shown));
  }
}
