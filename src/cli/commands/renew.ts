// `lapse renew`: moves companies' renewal dates on, as one plan shown before it is applied. The plan is applied
// one company at a time; when the server refuses one, the rest is left alone and the plan file says which rows
// were applied, so nothing is left half done without saying so.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { parse as parseCsv } from 'csv-parse/sync';
import { type LapseClient, resolveCompanies } from '../../client/index.js';
import { type CalendarDay, type RenewalTerm, renewalDayOf, renewalTermOf, renewedDay } from '../../contract/index.js';
import type { Environment } from '../environment.js';
import { describeError, UsageError } from '../exit-codes.js';
import { writeOutput } from '../output/index.js';
import { type CommandContext, clientAction, withConnectionOptions, withDayOptions } from './client-options.js';

interface RenewFlags {
  until?: string;
  by?: string;
  from?: string;
  dryRun?: boolean;
  yes?: boolean;
  planFile?: string;
  tz?: string;
  asOf?: string;
}

type Outcome = 'planned' | 'applied' | 'failed' | 'not applied';

interface PlanRow {
  companyResourceId: string;
  companyName: string;
  oldRenewalDate: CalendarDay | null;
  newRenewalDate: CalendarDay;
  outcome: Outcome;
  error?: string;
}

/** The column of lapse's own export and listing CSV that holds the resource id. */
const ID_COLUMN = 'Company ID';

/** Company references in a file: a CSV with a "Company ID" column, else one id (or exact name) a line. */
function referencesInFile(text: string): string[] {
  const body = text.replace(/^\uFEFF/, '');
  const lines = body.split(/\r?\n/).filter((line) => line.trim() !== '');
  const [first] = lines;
  if (first === undefined) return [];
  const header = parseCsv(first, { relax_column_count: true })[0] as string[] | undefined;
  const column = header?.findIndex((cell) => cell.trim() === ID_COLUMN) ?? -1;
  if (column < 0) return lines.map((line) => line.trim());
  const rows = parseCsv(body, { from_line: 2, relax_column_count: true, skip_empty_lines: true }) as string[][];
  return rows.map((row) => (row[column] ?? '').trim()).filter((id) => id !== '');
}

async function referencesOf(companies: readonly string[], from: string | undefined): Promise<string[]> {
  const listed = from === undefined ? [] : referencesInFile(await readFile(from, 'utf8'));
  if (from !== undefined && listed.length === 0) throw new UsageError(`${from} names no company`);
  const references = [...companies, ...listed];
  if (references.length === 0) {
    throw new UsageError('name at least one company (resource id or exact name), or --from FILE');
  }
  return references;
}

async function planRows(client: LapseClient, references: string[], term: RenewalTerm, today: CalendarDay) {
  const named = await resolveCompanies(client.companies, references);
  return named.map(
    ({ company }): PlanRow => ({
      companyResourceId: company.resourceId,
      companyName: company.name,
      oldRenewalDate: renewalDayOf(company.licenseEndDate),
      newRenewalDate: renewedDay(company, term, today),
      outcome: 'planned',
    }),
  );
}

function renderPlan(rows: readonly PlanRow[]): string {
  const cells = rows.map((row) => [
    row.companyName,
    row.companyResourceId,
    row.oldRenewalDate ?? '-',
    row.newRenewalDate,
  ]);
  const all = [['Company', 'Company ID', 'Renewal date', 'New renewal date'], ...cells];
  const widths = [0, 1, 2].map((at) => Math.max(...all.map((line) => (line[at] ?? '').length)));
  const line = ([name = '', id = '', old = '', next = '']: string[]) =>
    `${name.padEnd(widths[0] ?? 0)}  ${id.padEnd(widths[1] ?? 0)}  ${old.padEnd(widths[2] ?? 0)} → ${next}`;
  return `${all.map(line).join('\n')}\n`;
}

async function confirm(count: number): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = await prompt.question(`renew ${count} ${count === 1 ? 'company' : 'companies'}? [y/N] `);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    prompt.close();
  }
}

/** The default plan file: in the current directory, named for the moment of the run. */
function defaultPlanFile(now: number): string {
  return resolve(
    `lapse-renew-${new Date(now)
      .toISOString()
      .replaceAll(':', '')
      .replace(/\.\d+Z$/, 'Z')}.json`,
  );
}

/** A file named by --plan-file is replaced; the default name is never (two runs in one second keep both). */
async function writePlanFile(path: string, context: CommandContext, rows: readonly PlanRow[], isDefault = false) {
  const document = { asOf: context.asOf, timeZone: context.timeZone, companies: rows };
  await writeFile(path, `${JSON.stringify(document, null, 2)}\n`, { flag: isDefault ? 'wx' : 'w' });
}

const describeRow = (row: PlanRow) => `${row.companyResourceId} (${row.companyName})`;

/** Applies the rows in order; at the first refusal the rest stay unapplied. The error, when one stopped it. */
async function applyPlan(client: LapseClient, rows: PlanRow[]): Promise<unknown> {
  for (const [at, row] of rows.entries()) {
    try {
      await client.companies.change(row.companyResourceId, { LicenseEndDate: row.newRenewalDate });
      row.outcome = 'applied';
    } catch (error) {
      row.outcome = 'failed';
      row.error = describeError(error);
      for (const rest of rows.slice(at + 1)) rest.outcome = 'not applied';
      return error;
    }
  }
  return undefined;
}

function reportStop(rows: readonly PlanRow[]): string {
  const applied = rows.filter((row) => row.outcome === 'applied');
  const failed = rows.find((row) => row.outcome === 'failed');
  const notApplied = rows.filter((row) => row.outcome !== 'applied');
  return [
    `renewed ${applied.length} of ${rows.length}; stopped at ${failed ? describeRow(failed) : '-'}: ${failed?.error ?? ''}`,
    `applied: ${applied.map(describeRow).join(', ') || 'none'}`,
    `not applied: ${notApplied.map(describeRow).join(', ')}`,
  ].join('\n');
}

async function renew(context: CommandContext, companies: string[], flags: RenewFlags): Promise<void> {
  const term = renewalTermOf(flags);
  const rows = await planRows(context.client, await referencesOf(companies, flags.from), term, context.asOf);
  await writeOutput(context.target.destination, renderPlan(rows));
  const planFile = flags.planFile === undefined ? undefined : resolve(flags.planFile);
  if (flags.dryRun) {
    if (planFile !== undefined) await writePlanFile(planFile, context, rows);
    process.stderr.write('dry run: nothing changed\n');
    return;
  }
  if (!flags.yes && !(await confirm(rows.length))) {
    process.stderr.write('nothing changed\n');
    return;
  }
  const stopped = await applyPlan(context.client, rows);
  if (stopped === undefined) {
    if (planFile !== undefined) await writePlanFile(planFile, context, rows);
    process.stderr.write(`renewed ${rows.length} ${rows.length === 1 ? 'company' : 'companies'}\n`);
    return;
  }
  // The report comes first: a plan file that cannot be written must not hide which rows were applied.
  process.stderr.write(`${reportStop(rows)}\n`);
  const written = planFile ?? defaultPlanFile(context.config.now());
  try {
    await writePlanFile(written, context, rows, planFile === undefined);
    process.stderr.write(`plan file: ${written}\n`);
  } catch (error) {
    process.stderr.write(`plan file not written (${describeError(error)})\n`);
  }
  throw stopped;
}

export function registerRenew(program: Command, environment: Environment): void {
  const command = program
    .command('renew')
    .description("move companies' renewal dates on: by the licence's own period, a span, or to a day")
    .argument('[companies...]', 'companies by resource id or exact name')
    .option('--until <YYYY-MM-DD>', 'the new renewal date')
    .option('--by <span>', 'move the renewal date on by this span: 1y (365 days), 3y, 90d')
    .option('--from <file>', 'renew the companies in this file: a lapse CSV (its "Company ID" column) or one id a line')
    .option('--dry-run', 'print the plan and change nothing')
    .option('--yes', 'apply the plan without asking')
    .option('--plan-file <file>', "write the plan with each row's outcome here (always written when a write fails)");
  withDayOptions(withConnectionOptions(command)).action(async (companies: string[], flags: RenewFlags) => {
    // Refused before anything is read: a script would otherwise wait on a question no one sees.
    if (!flags.dryRun && !flags.yes && !process.stdin.isTTY) {
      throw new UsageError('not on a terminal: give --yes to apply the plan, or --dry-run to print it');
    }
    renewalTermOf(flags);
    await clientAction<RenewFlags>(environment, (context) => renew(context, companies, flags))(flags);
  });
}
