// `lapse ack <company>`: silences a company's notices in digests, until a day or (by default) until its renewal
// date moves; `--list` shows those in force, `--remove` ends one. Who, when and why stay in the history.
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { looksLikeResourceId, resolveCompany } from '../../client/index.js';
import { addDays, type CalendarDay, parseDay, renewalDayOf } from '../../contract/index.js';
import type { Acknowledgement, History } from '../../history/index.js';
import { type SheetColumn, sheetLayoutOf, streamRecords } from '../../spreadsheet/index.js';
import type { Environment } from '../environment.js';
import { UsageError } from '../exit-codes.js';
import { renderRows, type TableColumn, writeOutput } from '../output/index.js';
import { UNTIL_RENEWAL_MOVES } from './changes-output.js';
import { type CommandContext, type CommonFlags, clientAction, withCommonOptions } from './client-options.js';
import { type HistoryFlags, withCommandHistory, withHistoryFileOption } from './history-options.js';
import { parseWithinDays } from './renewals.js';

interface AckFlags extends CommonFlags, HistoryFlags {
  until?: string;
  for?: number;
  note?: string;
  list?: boolean;
  remove?: boolean;
}

/** The OS user running lapse, beside the credential: who acknowledged. */
function whoAcknowledges(clientId: string): string {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = 'unknown user';
  }
  return `${user} (client ${clientId})`;
}

/** The last day the acknowledgement holds: --until, the as-of day plus --for, or null (until the renewal moves). */
function untilOf(flags: AckFlags, asOf: CalendarDay): CalendarDay | null {
  if (flags.until !== undefined && flags.for !== undefined) throw new UsageError('give --until or --for, not both');
  if (flags.for !== undefined) return addDays(asOf, flags.for);
  if (flags.until === undefined) return null;
  const day = parseDay(flags.until);
  if (day === undefined) throw new UsageError(`--until ${flags.until}: not a YYYY-MM-DD day`);
  if (day < asOf) throw new UsageError(`--until ${day} is before the as-of day ${asOf}`);
  return day;
}

interface ListedAcknowledgement extends Acknowledgement {
  companyName: string | null;
}

const untilText = (row: Acknowledgement) => row.until ?? UNTIL_RENEWAL_MOVES;

const LIST_TABLE: readonly TableColumn<ListedAcknowledgement>[] = [
  { head: 'Company', cell: (row) => row.companyName ?? '', shrinksTo: 10 },
  { head: 'Company ID', cell: (row) => row.companyId },
  { head: 'Until', cell: untilText },
  { head: 'Note', cell: (row) => row.note ?? '', shrinksTo: 10 },
  { head: 'By', cell: (row) => row.by, shrinksTo: 10, dropRank: 1 },
  { head: 'At', cell: (row) => row.at, dropRank: 2 },
];

const LIST_COLUMNS: readonly SheetColumn[] = [
  { header: 'Company Name', kind: 'text' },
  { header: 'Company ID', kind: 'text' },
  { header: 'Acknowledged Until', kind: 'text' },
  { header: 'Note', kind: 'text' },
  { header: 'Acknowledged By', kind: 'text' },
  { header: 'Acknowledged At', kind: 'text' },
];
const LIST_LAYOUT = sheetLayoutOf(LIST_COLUMNS, 'Acknowledgements');

async function* listRecords(rows: readonly ListedAcknowledgement[]) {
  for (const row of rows) yield [[row.companyName, row.companyId, untilText(row), row.note, row.by, row.at]];
}

async function writeList(context: CommandContext, history: History): Promise<void> {
  const known = history.currentCompanies();
  const rows = [...history.activeAcknowledgements(context.asOf).values()].map((row) => ({
    ...row,
    companyName: known.get(row.companyId)?.companyName ?? null,
  }));
  const { format, destination } = context.target;
  if (format === 'json') return writeOutput(destination, `${JSON.stringify(rows, null, 2)}\n`);
  if (format === 'table') {
    const table = rows.length === 0 ? '' : renderRows(LIST_TABLE, rows, context.asOf, { width: context.target.width });
    return writeOutput(destination, `${table}${rows.length} acknowledged on ${context.asOf} in ${history.path}\n`);
  }
  return writeOutput(destination, streamRecords(format, LIST_LAYOUT, listRecords(rows)));
}

/** An acknowledged company named by its resource id needs no request: it may be gone from the server. */
async function companyIdToRemove(context: CommandContext, history: History, reference: string): Promise<string> {
  if (looksLikeResourceId(reference) && history.activeAcknowledgements(context.asOf).has(reference)) return reference;
  return (await resolveCompany(context.client.companies, reference)).resourceId;
}

async function acknowledge(context: CommandContext, history: History, reference: string, flags: AckFlags) {
  const until = untilOf(flags, context.asOf);
  const company = await resolveCompany(context.client.companies, reference);
  const renewalDay = renewalDayOf(company.licenseEndDate);
  history.acknowledge({
    companyId: company.resourceId,
    until,
    note: flags.note ?? null,
    by: whoAcknowledges(context.config.clientId),
    at: new Date(context.config.now()).toISOString(),
    renewalDay,
  });
  const holds = until === null ? `until its renewal date (${renewalDay ?? 'open-ended'}) moves` : `through ${until}`;
  return `acknowledged ${company.name} (${company.resourceId}) ${holds}: its changes are left out of digests\n`;
}

export function registerAck(program: Command, environment: Environment): void {
  withHistoryFileOption(
    withCommonOptions(
      program
        .command('ack')
        .description("silence a company's notices in digests, until a day or until its renewal date moves")
        .argument('[company]', 'resource id or exact name')
        .option('--until <YYYY-MM-DD>', 'the last day it is silenced')
        .option('--for <days>', 'silenced this many days from the as-of day, e.g. 30d', parseWithinDays)
        .option('--note <text>', 'why: kept with who and when')
        .option('--list', 'the acknowledgements in force on the as-of day')
        .option('--remove', "end the company's acknowledgement"),
    ),
  ).action((reference: string | undefined, flags: AckFlags) =>
    clientAction<AckFlags>(environment, async (context) => {
      if (flags.list && (reference !== undefined || flags.remove)) {
        throw new UsageError('--list takes no company and no --remove');
      }
      if (!flags.list && reference === undefined) throw new UsageError('name a company (resource id or exact name)');
      if (flags.remove && (flags.until !== undefined || flags.for !== undefined || flags.note !== undefined)) {
        throw new UsageError('--remove takes no --until, --for or --note');
      }
      await withCommandHistory(context, flags, environment, async (history) => {
        if (flags.list) return writeList(context, history);
        const named = reference as string;
        if (!flags.remove)
          return writeOutput(context.target.destination, await acknowledge(context, history, named, flags));
        const companyId = await companyIdToRemove(context, history, named);
        const text = history.removeAcknowledgement(companyId)
          ? `removed the acknowledgement of ${companyId}: its changes are sent again\n`
          : `${companyId} had no acknowledgement\n`;
        return writeOutput(context.target.destination, text);
      });
    })(flags),
  );
}
