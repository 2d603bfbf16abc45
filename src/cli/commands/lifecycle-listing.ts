// A listing with lapse's lifecycle columns beside the company's own: "Lifecycle state" and "Next state change".
// The state is lapse's reading under a policy, never the vendor's licenceExpired (which stays in its column).
import Table from 'cli-table3';
import {
  EXPORT_COLUMNS,
  exportRecordOf,
  type Lifecycle,
  type LifecyclePolicy,
  renewalDayOf,
  type SearchCompanyDto,
} from '../../contract/index.js';
import type { RecordableListing } from '../../history/index.js';
import { type SheetColumn, sheetLayoutOf, streamRecords } from '../../spreadsheet/index.js';
import { assertWritable, describeDaysLeft, writeOutput } from '../output/index.js';
import type { CommandContext } from './client-options.js';

export interface LifecycleRow {
  company: SearchCompanyDto;
  lifecycle: Lifecycle;
}

const LIFECYCLE_COLUMNS: readonly SheetColumn[] = [
  ...EXPORT_COLUMNS,
  { header: 'Lifecycle State', kind: 'text' },
  { header: 'Next State Change', kind: 'date' },
];
const LIFECYCLE_LAYOUT = sheetLayoutOf(LIFECYCLE_COLUMNS);

async function* recordsOf(rows: readonly LifecycleRow[]) {
  for (const row of rows) yield [[...exportRecordOf(row.company), row.lifecycle.state, row.lifecycle.nextChange]];
}

function renderLifecycleTable(rows: readonly LifecycleRow[], context: CommandContext): string {
  const table = new Table({
    head: ['Company', 'Company ID', 'Reseller', 'Renewal date', 'Days', 'Lifecycle state', 'Next state change'],
    style: { head: [], border: [] },
  });
  for (const { company, lifecycle } of rows) {
    const renewalDay = renewalDayOf(company.licenseEndDate);
    table.push([
      company.companyName,
      company.companyResourceId,
      company.resellerName ?? '',
      renewalDay ?? '',
      describeDaysLeft(renewalDay, context.asOf),
      lifecycle.leadWindow === null ? lifecycle.state : `${lifecycle.state} (${lifecycle.leadWindow}d window)`,
      lifecycle.nextChange === null ? '' : `${lifecycle.nextChange} → ${lifecycle.nextState}`,
    ]);
  }
  return `${table.toString()}\n`;
}

export async function writeLifecycleListing(
  context: CommandContext,
  listing: RecordableListing & { warnings?: readonly string[] },
  rows: readonly LifecycleRow[],
  policy: LifecyclePolicy,
): Promise<void> {
  const target = context.target;
  assertWritable(target);
  for (const warning of listing.warnings ?? []) context.warn(warning);
  if (target.format === 'json') {
    const document = {
      strategy: listing.strategy.name,
      reason: listing.strategy.reason,
      asOf: listing.asOf,
      timeZone: listing.timeZone,
      policy,
      count: rows.length,
      companies: rows.map((row) => ({ ...row.company, lifecycle: row.lifecycle })),
    };
    return writeOutput(target.output, `${JSON.stringify(document, null, 2)}\n`);
  }
  process.stderr.write(
    `${rows.length} companies as of ${listing.asOf} (${listing.timeZone}); strategy ${listing.strategy.name}; ` +
      `lifecycle: grace ${policy.graceDays} days, lead days ${policy.leadDays.join(', ') || 'none'}\n`,
  );
  if (target.format === 'table') return writeOutput(target.output, renderLifecycleTable(rows, context));
  return writeOutput(target.output, streamRecords(target.format, LIFECYCLE_LAYOUT, recordsOf(rows)));
}
