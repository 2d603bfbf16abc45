// How `lapse changes` reports: one row per change (a company may have several), as table, JSON, CSV or Excel. The
// table ends with a footer saying what was compared; beside CSV or Excel the same lines go to stderr. An
// acknowledged company's rows carry until when; a digest leaves them out and says how many it left.
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
  { header: 'Lead Window Days', kind: 'number' },
  { header: 'Acknowledged Until', kind: 'text' },
];
const CHANGE_LAYOUT = sheetLayoutOf(CHANGE_COLUMNS, 'Changes');

/** An acknowledgement without an end day holds until this. */
export const UNTIL_RENEWAL_MOVES = 'renewal date moves';

export interface ChangeRow extends CompanyChange {
  /** lapse's lifecycle state now (null for a company gone). */
  lifecycle: Lifecycle | null;
  /** The company is acknowledged: through this day, or UNTIL_RENEWAL_MOVES; null when it is not. */
  acknowledgedUntil: string | null;
}

export function changeRowsOf(report: ChangeReport, policy: LifecyclePolicy): ChangeRow[] {
  return report.changes.map((change) => {
    const acknowledgement = report.acknowledgements.get(change.companyResourceId);
    return {
      ...change,
      lifecycle:
        change.after === null
          ? null
          : lifecycleOn(change.after.renewalDay, change.after.licenceType, report.asOf, policy),
      acknowledgedUntil: acknowledgement === undefined ? null : (acknowledgement.until ?? UNTIL_RENEWAL_MOVES),
    };
  });
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
    row.leadWindow,
    row.acknowledgedUntil,
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
    case 'entered-lead-window':
      return [renewalText(row.before), `${renewalText(row.after)} (within ${row.leadWindow} days)`];
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
const ACKNOWLEDGED_COLUMN: TableColumn<ChangeRow> = {
  head: 'Acknowledged until',
  cell: (row) => row.acknowledgedUntil ?? '',
  dropRank: 3,
};

/** The table's columns: "Acknowledged until" only when a row is acknowledged. */
const tableColumnsOf = (rows: readonly ChangeRow[]) =>
  rows.some((row) => row.acknowledgedUntil !== null) ? [...CHANGE_TABLE, ACKNOWLEDGED_COLUMN] : CHANGE_TABLE;

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

/** "3 newly-expired, 1 renewed": the count of each kind present. A digest says more (describeDigestCounts). */
function describeCounts(rows: readonly CompanyChange[]): string {
  const counts = new Map<string, number>();
  for (const row of rows) counts.set(row.kind, (counts.get(row.kind) ?? 0) + 1);
  return [...counts].map(([kind, count]) => `${count} ${kind}`).join(', ') || 'nothing';
}

function describeSince(report: ChangeReport): { id: number; asOf: CalendarDay; takenAt: string; view: string } {
  const { id, asOf, takenAt, view } = report.since;
  return { id, asOf, takenAt, view };
}

/** "3 newly-expired, 1 renewed; 2 acknowledged, not sent": a digest's counts, and what it left out. */
export function describeDigestCounts(report: ChangeReport, rows: readonly CompanyChange[]): string {
  const silenced = new Set(report.silenced.map((change) => change.companyResourceId)).size;
  return `${describeCounts(rows)}${silenced === 0 ? '' : `; ${silenced} acknowledged, not sent`}`;
}

/** The JSON document of a report: `lapse changes --format json`, and the body of a digest. */
export function changesDocument(
  report: ChangeReport,
  shown: readonly ChangeRow[],
  matched: number,
  isGroupedByReseller: boolean,
) {
  return {
    digestId: report.digestId,
    since: describeSince(report),
    asOf: report.asOf,
    timeZone: report.timeZone,
    withinDays: report.withinDays,
    companyCount: report.companyCount,
    recordedSnapshot: report.recorded?.id ?? null,
    count: shown.length,
    ...(shown.length === matched ? {} : { matched }),
    counts: describeDigestCounts(report, shown),
    acknowledged: acknowledgedCount(report, shown),
    ...(isGroupedByReseller ? { groups: groupsOf(shown) } : { changes: shown }),
  };
}

/** Companies acknowledged: those left out of the report, or those it marks. */
function acknowledgedCount(report: ChangeReport, rows: readonly ChangeRow[]): number {
  const companies = new Set(report.silenced.map((change) => change.companyResourceId));
  for (const row of rows) if (row.acknowledgedUntil !== null) companies.add(row.companyResourceId);
  return companies.size;
}

/** What was compared, how many changes of each kind, and what was recorded. */
function describeReport(report: ChangeReport, shown: readonly ChangeRow[], all: readonly ChangeRow[]): string {
  const since = report.since;
  const count = shown.length === all.length ? `${all.length}` : `${shown.length} of ${all.length}`;
  return (
    `${count} changes since snapshot ${since.id} (${since.view}, as of ${since.asOf}, taken ${since.takenAt}) ` +
    `to ${report.asOf} (${report.timeZone}): ${describeDigestCounts(report, all)}` +
    `${marked(all)}` +
    `${report.recorded === undefined ? '' : `; recorded snapshot ${report.recorded.id}`}`
  );
}

/** The rows as the CSV or Excel file `lapse changes --format csv|xlsx` writes. */
export function streamChangeSpreadsheet(format: SpreadsheetFormat, rows: readonly ChangeRow[]): Readable {
  return streamRecords(format, CHANGE_LAYOUT, recordsOf(rows));
}

/** "; 2 of them acknowledged" when the rows mark acknowledged companies. */
function marked(rows: readonly ChangeRow[]): string {
  const count = rows.filter((row) => row.acknowledgedUntil !== null).length;
  return count === 0 ? '' : `; ${count} of them acknowledged`;
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
        renderRows(tableColumnsOf(shown), changes, report.asOf, { width: target.width });
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
