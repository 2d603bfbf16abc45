// A listing with lapse's lifecycle columns beside the company's own, as a table or JSON: "Lifecycle state" and
// "Next state change". The state is lapse's reading under a policy, never the vendor's licenceExpired (which
// stays in its field). CSV and XLSX files have these columns without asking (listing-files.ts).
import type { CalendarDay, Lifecycle, LifecyclePolicy, SearchCompanyDto } from '../../contract/index.js';
import type { RecordableListing } from '../../history/index.js';
import {
  COMPANY_COLUMNS,
  describeListing,
  type ListingDescription,
  renderRows,
  type TableColumn,
  writeOutput,
} from '../output/index.js';
import type { CommandContext } from './client-options.js';
import { limitRows } from './listing-report.js';

export interface LifecycleRow {
  company: SearchCompanyDto;
  lifecycle: Lifecycle;
}

const LIFECYCLE_TABLE: readonly TableColumn<LifecycleRow>[] = [
  ...COMPANY_COLUMNS.map((column) => ({
    ...column,
    cell: (row: LifecycleRow, asOf: CalendarDay) => column.cell(row.company, asOf),
  })),
  {
    head: 'Lifecycle state',
    cell: ({ lifecycle }) =>
      lifecycle.leadWindow === null ? lifecycle.state : `${lifecycle.state} (${lifecycle.leadWindow}d window)`,
  },
  {
    head: 'Next state change',
    cell: ({ lifecycle }) => (lifecycle.nextChange === null ? '' : `${lifecycle.nextChange} → ${lifecycle.nextState}`),
  },
];

const describePolicy = (policy: LifecyclePolicy) =>
  `lifecycle: grace ${policy.graceDays} days, lead days ${policy.leadDays.join(', ') || 'none'}`;

/** The rows (the first --limit of them) with their states: footer and summary as the other listings have. */
export async function writeLifecycleListing(
  context: CommandContext,
  listing: RecordableListing & { warnings?: readonly string[] },
  rows: readonly LifecycleRow[],
  policy: LifecyclePolicy,
  options: { showCreated?: boolean } = {},
): Promise<void> {
  const { target } = context;
  for (const warning of listing.warnings ?? []) context.warn(warning);
  const shown = limitRows(rows, context.limit);
  const description: ListingDescription = {
    asOf: listing.asOf,
    timeZone: listing.timeZone,
    scope: context.scope,
    matched: rows.length,
    strategy: listing.strategy,
  };
  const summary = [...describeListing(shown.length, description), describePolicy(policy)].join('\n');
  switch (target.format) {
    case 'json': {
      const document = {
        strategy: listing.strategy.name,
        reason: listing.strategy.reason,
        asOf: listing.asOf,
        timeZone: listing.timeZone,
        policy,
        count: shown.length,
        ...(shown.length === rows.length ? {} : { matched: rows.length }),
        companies: shown.map((row) => ({ ...row.company, lifecycle: row.lifecycle })),
      };
      return writeOutput(target.destination, `${JSON.stringify(document, null, 2)}\n`);
    }
    case 'table': {
      const table = renderRows(LIFECYCLE_TABLE, shown, listing.asOf, { width: target.width, ...options });
      return writeOutput(target.destination, `${table}\n${summary}\n`);
    }
    default:
      throw new Error(`lifecycle listings are tables or JSON; ${target.format} files are listing files`);
  }
}
