// `lapse usage --month YYYY-MM`: the month's monthly active users over every customer in scope, with subtotals
// per reseller and per licence type (the billing question), as a table, JSON, CSV or a one-sheet workbook.
import { Readable } from 'node:stream';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { ZipFile } from 'yazl';
import { checkUsageMonth, type MonthlyUsage } from '../../client/index.js';
import { monthOf } from '../../contract/index.js';
import {
  columnLetters,
  contentTypesXml,
  csvLine,
  ROOT_RELS_XML,
  STYLES_XML,
  workbookRelsXml,
  xmlText,
} from '../../spreadsheet/index.js';
import type { Environment } from '../environment.js';
import { describeError, exitCodeFor } from '../exit-codes.js';
import { OUTPUT_FORMATS, type OutputTarget, writeOutput } from '../output/index.js';
import {
  ALL_PROFILES,
  isFailed,
  overProfilesOr,
  PROFILE_HEAD,
  type ProfileOutcome,
  type ProfilesFlags,
  runOverProfiles,
  withProfilesOptions,
} from '../profiles/index.js';
import { type CommandContext, type CommonFlags, clientAction, withConnectionOptions } from './client-options.js';

interface UsageFlags extends CommonFlags, ProfilesFlags {
  month?: string;
}

/** One line of the report: the total, a reseller's subtotal or a licence type's. */
interface UsageRow {
  group: 'total' | 'reseller' | 'licence type';
  name: string;
  resourceId: string;
  companies: number;
  users: number;
}

const COLUMNS = ['Month', 'Group', 'Name', 'Resource ID', 'Companies', 'Monthly Active Users'] as const;
const NO_RESELLER = '(no reseller)';
const NO_LICENCE_TYPE = '(no licence type)';

function rowsOf(usage: MonthlyUsage): UsageRow[] {
  return [
    { group: 'total', name: 'all companies', resourceId: '', companies: usage.companies, users: usage.total },
    ...usage.byReseller.map(
      (reseller): UsageRow => ({
        group: 'reseller',
        name: reseller.resellerName ?? NO_RESELLER,
        resourceId: '',
        companies: reseller.companies,
        users: reseller.total,
      }),
    ),
    ...usage.byLicenceType.map(
      (type): UsageRow => ({
        group: 'licence type',
        name: type.licenseTypeName ?? NO_LICENCE_TYPE,
        resourceId: type.licenseTypeResourceId ?? '',
        companies: type.companies,
        users: type.total,
      }),
    ),
  ];
}

const cellsOf = (month: string, row: UsageRow) =>
  [month, row.group, row.name, row.resourceId, row.companies, row.users] as const;

type Cells = readonly (string | number)[];

function csvOf(head: Cells, rows: readonly Cells[]): string {
  return `\uFEFF${csvLine(head)}${rows.map((row) => csvLine(row)).join('')}`;
}

function cellXml(reference: string, value: string | number): string {
  if (typeof value === 'number') return `<c r="${reference}"><v>${value}</v></c>`;
  return value === '' ? '' : `<c r="${reference}" t="inlineStr"><is><t>${xmlText(value)}</t></is></c>`;
}

function rowXml(rowNumber: number, cells: readonly (string | number)[]): string {
  return `<row r="${rowNumber}">${cells.map((cell, i) => cellXml(`${columnLetters(i)}${rowNumber}`, cell)).join('')}</row>`;
}

const SHEET_NAMESPACES =
  'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"';

function workbookOf(head: Cells, body: readonly Cells[]): Readable {
  const rows = [head, ...body];
  const sheet =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet ${SHEET_NAMESPACES}><sheetData>` +
    `${rows.map((cells, i) => rowXml(i + 1, cells)).join('')}</sheetData></worksheet>`;
  const workbook =
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook ${SHEET_NAMESPACES}>` +
    '<sheets><sheet name="Usage" sheetId="1" r:id="rId1"/></sheets></workbook>';
  const zip = new ZipFile();
  const parts: [string, string][] = [
    ['xl/worksheets/sheet1.xml', sheet],
    ['xl/styles.xml', STYLES_XML],
    ['xl/workbook.xml', workbook],
    ['xl/_rels/workbook.xml.rels', workbookRelsXml(1)],
    ['_rels/.rels', ROOT_RELS_XML],
    ['[Content_Types].xml', contentTypesXml(1)],
  ];
  for (const [path, xml] of parts) zip.addBuffer(Buffer.from(xml), path);
  zip.end();
  return Readable.from(zip.outputStream);
}

/** Name, companies and users, aligned; names are cut with "…" to fit `width`. */
function tableOf(title: string, rows: readonly UsageRow[], width: number | undefined): string {
  const counts = rows.map((row) => [String(row.companies), String(row.users)] as const);
  const companiesWidth = Math.max('Companies'.length, ...counts.map(([companies]) => companies.length));
  const usersWidth = Math.max('Monthly active users'.length, ...counts.map(([, users]) => users.length));
  const fixed = companiesWidth + usersWidth + 4;
  const longest = Math.max(title.length, ...rows.map((row) => [...row.name].length));
  const nameWidth = width === undefined ? longest : Math.max(10, Math.min(longest, width - fixed));
  const fitName = (name: string) => {
    const characters = [...name];
    return characters.length > nameWidth
      ? `${characters.slice(0, nameWidth - 1).join('')}…`
      : name + ' '.repeat(nameWidth - characters.length);
  };
  const line = (name: string, companies: string, users: string) =>
    `${fitName(name)}  ${companies.padStart(companiesWidth)}  ${users.padStart(usersWidth)}`;
  return [
    line(title, 'Companies', 'Monthly active users'),
    ...rows.map((row, i) => line(row.name, ...(counts[i] ?? ['', '']))),
  ].join('\n');
}

function reportOf(usage: MonthlyUsage, context: CommandContext): string {
  const rows = rowsOf(usage);
  const companies = `${usage.companies} ${usage.companies === 1 ? 'company' : 'companies'}`;
  return [
    `${usage.month}: ${usage.total} monthly active users over ${companies} · scope: ${context.scope}`,
    '',
    tableOf(
      'Reseller',
      rows.filter((row) => row.group === 'reseller'),
      context.target.width,
    ),
    '',
    tableOf(
      'Licence type',
      rows.filter((row) => row.group === 'licence type'),
      context.target.width,
    ),
    '',
    `month check: ${usage.server.monthCheck}`,
    '',
  ].join('\n');
}

function monthOption(text: string): string {
  try {
    return checkUsageMonth(text);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function usageOf(context: CommandContext, flags: UsageFlags): Promise<MonthlyUsage> {
  return context.client.monthlyUsage({ month: flags.month ?? monthOf(context.asOf) });
}

const describeTotal = (users: number, companies: number) =>
  `${users} monthly active users over ${companies} ${companies === 1 ? 'company' : 'companies'}`;

async function reportUsage(context: CommandContext, flags: UsageFlags): Promise<void> {
  const usage = await usageOf(context, flags);
  context.progress.stop();
  const { destination, format } = context.target;
  if (format === 'csv' || format === 'xlsx') {
    process.stderr.write(`${usage.month}: ${describeTotal(usage.total, usage.companies)}\n`);
  }
  if (format === 'json')
    return writeOutput(destination, `${JSON.stringify({ ...usage, scope: context.scope }, null, 2)}\n`);
  const rows = rowsOf(usage).map((row) => cellsOf(usage.month, row));
  if (format === 'csv') return writeOutput(destination, csvOf(COLUMNS, rows));
  if (format === 'xlsx') return writeOutput(destination, workbookOf(COLUMNS, rows));
  return writeOutput(destination, reportOf(usage, context));
}

/**
 * Several profiles' usage: each profile's rows under a Profile column (its total first), then the grand total
 * (Profile `all`); the table is each profile's report under its name, then the total.
 */
async function reportMergedUsage(target: OutputTarget, outcomes: ProfileOutcome<MonthlyUsage>[]): Promise<void> {
  const worked = outcomes.flatMap((outcome) => (isFailed(outcome) ? [] : [outcome]));
  const month = worked[0]?.value.month ?? '';
  const users = worked.reduce((sum, { value }) => sum + value.total, 0);
  const companies = worked.reduce((sum, { value }) => sum + value.companies, 0);
  const total = `total: ${describeTotal(users, companies)} from ${worked.length} of ${outcomes.length} profiles`;
  const failures = outcomes.flatMap((o) => (isFailed(o) ? [`${o.profile}: failed: ${describeError(o.error)}`] : []));
  if (target.format === 'json') {
    const profiles = outcomes.map((outcome) =>
      isFailed(outcome)
        ? { profile: outcome.profile, error: describeError(outcome.error), exitCode: exitCodeFor(outcome.error) }
        : { profile: outcome.profile, ...outcome.value, scope: outcome.context.scope },
    );
    const document = { month, profiles, total: users, companies };
    return writeOutput(target.destination, `${JSON.stringify(document, null, 2)}\n`);
  }
  if (target.format === 'table') {
    const reports = worked.map(({ profile, value, context }) => `profile ${profile}\n${reportOf(value, context)}`);
    return writeOutput(target.destination, `${[...reports, ...failures, total].join('\n')}\n`);
  }
  process.stderr.write(`${[...failures, `${month}: ${total}`].join('\n')}\n`);
  const rows: Cells[] = [
    ...worked.flatMap(({ profile, value }) => rowsOf(value).map((row) => [profile, ...cellsOf(value.month, row)])),
    [ALL_PROFILES, month, 'total', 'all companies', '', companies, users],
  ];
  const head = [PROFILE_HEAD, ...COLUMNS];
  return writeOutput(target.destination, target.format === 'csv' ? csvOf(head, rows) : workbookOf(head, rows));
}

export function registerUsage(program: Command, environment: Environment): void {
  const command = withConnectionOptions(
    program
      .command('usage')
      .description('total monthly active users in a month, per reseller and per licence type (for billing)'),
  )
    .option('--month <YYYY-MM>', 'the month (default: the current month in --tz)', monthOption)
    .option('--tz <IANA>', 'time zone that decides the current month (default UTC)')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .option('--output <file>', 'write to this file (- for stdout) instead of stdout');
  withProfilesOptions(command).action(
    overProfilesOr(clientAction<UsageFlags>(environment, reportUsage), (flags) =>
      runOverProfiles(environment, flags, (context) => usageOf(context, flags), reportMergedUsage),
    ),
  );
}
