// lapse's own CSV and XLSX files of a listing or a roll-up: each company's row under the chosen columns (reading
// what those columns need beyond the search rows), the facts the About sheet and the manifest give, a workbook
// sheet per group of a roll-up.
import { groupNameOf, type LapseClient, type RollUp } from '../../client/index.js';
import {
  DEFAULT_LIFECYCLE_POLICY,
  type LifecyclePolicy,
  lifecycleOn,
  renewalDayOf,
  type SearchCompanyDto,
} from '../../contract/index.js';
import { type SheetLayout, uniqueSheetNames, type WorkbookSheet } from '../../spreadsheet/index.js';
import { forEachBounded } from '../bounded-work.js';
import {
  type FileColumn,
  type FileFacts,
  type FileRow,
  fileColumnsOf,
  fileRecordOf,
  ownSheetLayout,
  sheetColumnsOf,
  writeOwnFile,
} from '../output/index.js';
import { packageVersion } from '../package-version.js';
import type { CommandContext } from './client-options.js';
import type { ListingFlags } from './listing-report.js';

/** What a listing's file needs beyond its rows: what it is called, the flags that narrowed it, the policy. */
export interface FileOptions {
  listing: string;
  flags: Partial<ListingFlags>;
  policy: LifecyclePolicy;
}

/** The segment flags given, for the file's facts (a window is part of the listing's name: `renewals 30d`). */
function filterOf(flags: Partial<ListingFlags>): Record<string, unknown> {
  const given: [string, unknown][] = [
    ['text', flags.text],
    ['where', flags.where !== undefined && flags.where.length > 0 ? flags.where : undefined],
    ['reseller', flags.reseller],
    ['licenceType', flags.licenceType],
  ];
  return Object.fromEntries(given.filter(([, value]) => value !== undefined));
}

/** Each company's reseller's resource id: its parent in the /my tree, the caller's company for the top level. */
async function resellerIdsOf(client: LapseClient): Promise<Map<string, string>> {
  const [tree, whoami] = await Promise.all([client.companies.my(), client.whoami()]);
  const parents = new Map<string, string>();
  const walk = (nodes: typeof tree, parent: string | undefined) => {
    for (const node of nodes) {
      if (parent !== undefined) parents.set(node.resourceId, parent);
      walk(node.children, node.resourceId);
    }
  };
  walk(tree, whoami.claims.user_company_resourceid);
  return parents;
}

/** Requests for the companies' own records at once, at most; one per company. */
const DETAIL_CONCURRENCY = 8;

async function detailsOf(client: LapseClient, companies: readonly SearchCompanyDto[]) {
  const details = new Map<string, FileRow['details']>();
  await forEachBounded(companies, DETAIL_CONCURRENCY, async ({ companyResourceId: id }) => {
    const { licenseStartDate, timeZoneId } = await client.companies.get(id);
    details.set(id, { licenseStartDate, timeZoneId });
  });
  return details;
}

/** The file's rows: each company with its lifecycle, and what the chosen columns need read besides. */
async function fileRowsOf(
  context: CommandContext,
  companies: readonly SearchCompanyDto[],
  columns: readonly FileColumn[],
  policy: LifecyclePolicy,
): Promise<FileRow[]> {
  const needs = new Set(columns.map((column) => column.needs));
  const resellerIds = needs.has('tree') ? await resellerIdsOf(context.client) : undefined;
  const details = needs.has('details') ? await detailsOf(context.client, companies) : undefined;
  return companies.map((company) => ({
    company,
    lifecycle: lifecycleOn(renewalDayOf(company.licenseEndDate), company.licenseTypeName, context.asOf, policy),
    details: details?.get(company.companyResourceId),
    resellerId: resellerIds?.get(company.companyResourceId) ?? (resellerIds === undefined ? undefined : null),
  }));
}

const DEFAULT_FILE_OPTIONS: FileOptions = { listing: 'listing', flags: {}, policy: DEFAULT_LIFECYCLE_POLICY };

export interface FileSubject {
  rows: number;
  matched: number;
  strategy: { name: string; reason: string } | undefined;
  headers: readonly string[];
}

/** The file's facts; the policy is named when the columns hold a lifecycle. */
export function factsOf(
  context: CommandContext,
  file: FileOptions,
  subject: FileSubject,
  columns: readonly FileColumn[],
): FileFacts {
  const hasLifecycle = columns.some(
    (column) => column.name === 'lifecycle-state' || column.name === 'next-state-change',
  );
  return {
    listing: file.listing,
    asOf: context.asOf,
    timeZone: context.timeZone,
    scope: context.scope,
    companyId: context.config.companyId ?? null,
    filter: filterOf(file.flags),
    server: context.config.baseUrl,
    strategy: subject.strategy ?? null,
    rows: subject.rows,
    matched: subject.matched,
    columns: subject.headers,
    lapseVersion: packageVersion(),
    generatedAt: new Date(context.config.now()).toISOString(),
    ...(hasLifecycle ? { policy: file.policy } : {}),
  };
}

/** Whether the output is one of lapse's own files (CSV or XLSX) rather than a table or JSON. */
export const isFileFormat = (format: string) => format === 'csv' || format === 'xlsx';

const fileFormatOf = (context: CommandContext) => (context.target.format === 'xlsx' ? 'xlsx' : 'csv');

/** The companies' sheet under the chosen columns (--columns, else the listing file's own). */
async function companySheet(
  context: CommandContext,
  companies: readonly SearchCompanyDto[],
  columns: readonly FileColumn[],
  policy: LifecyclePolicy,
  title = 'Companies',
): Promise<WorkbookSheet> {
  const rows = await fileRowsOf(context, companies, columns, policy);
  const layout = ownSheetLayout(sheetColumnsOf(columns, context.asOf), title);
  return { name: title, layout, records: rows.map((row) => fileRecordOf(columns, row, context.asOf)) };
}

/** A listing's own CSV or XLSX file (the rows already cut by --limit), with its About sheet or manifest. */
export async function writeListingFile(
  context: CommandContext,
  companies: readonly SearchCompanyDto[],
  listing: { matched: number; strategy?: { name: string; reason: string } | undefined },
  file: FileOptions = DEFAULT_FILE_OPTIONS,
): Promise<void> {
  const columns = fileColumnsOf(file.flags.columns);
  const sheet = await companySheet(context, companies, columns, file.policy);
  const headers = sheet.layout.columns.map((column) => column.header);
  const subject = { rows: companies.length, matched: listing.matched, strategy: listing.strategy, headers };
  const facts = factsOf(context, file, subject, columns);
  return writeOwnFile(context.target.destination, { format: fileFormatOf(context), facts, sheets: [sheet] });
}

/**
 * A roll-up's file. CSV: the summary rows (one a group, then the total). XLSX: the same on "Roll-up", then a
 * sheet per group holding its companies under the listing file's columns, then About.
 */
export async function writeRollUpFile(
  context: CommandContext,
  rollUp: RollUp,
  summary: { layout: SheetLayout; records: readonly (string | number)[][] },
  file: FileOptions = DEFAULT_FILE_OPTIONS,
): Promise<void> {
  const format = fileFormatOf(context);
  const summaryLayout = ownSheetLayout(summary.layout.columns, summary.layout.title);
  const sheets: WorkbookSheet[] = [{ name: summaryLayout.title, layout: summaryLayout, records: summary.records }];
  const columns = fileColumnsOf(file.flags.columns);
  if (format === 'xlsx') sheets.push(...(await groupSheets(context, rollUp, columns, file.policy, sheets[0]?.name)));
  const headers = summaryLayout.columns.map((column) => column.header);
  const facts = rollUpFactsOf(
    context,
    rollUp,
    file,
    { rows: summary.records.length, headers },
    format === 'xlsx' ? columns : [],
  );
  return writeOwnFile(context.target.destination, { format, facts, sheets });
}

/** A roll-up file's facts: the summary's rows and headers, the companies it counts, how they were grouped. */
export function rollUpFactsOf(
  context: CommandContext,
  rollUp: RollUp,
  file: FileOptions,
  summary: { rows: number; headers: readonly string[] },
  columns: readonly FileColumn[],
): FileFacts {
  const strategy = rollUp.strategy ?? { name: 'clustered', reason: rollUp.grouping.reason };
  const subject = { ...summary, matched: rollUp.companies.length, strategy };
  return factsOf(context, { ...file, listing: `${file.listing} by ${rollUp.groupBy}` }, subject, columns);
}

async function groupSheets(
  context: CommandContext,
  rollUp: RollUp,
  columns: readonly FileColumn[],
  policy: LifecyclePolicy,
  summaryName = 'Roll-up',
): Promise<WorkbookSheet[]> {
  const members = membersOf(rollUp, policy);
  const names = uniqueSheetNames(
    rollUp.groups.map((group) => group.name),
    [summaryName, 'About'],
  );
  const sheets: WorkbookSheet[] = [];
  for (const [index, group] of rollUp.groups.entries()) {
    const name = names[index] ?? group.name;
    sheets.push({ ...(await companySheet(context, members.get(group.name) ?? [], columns, policy, name)), name });
  }
  return sheets;
}

function membersOf(rollUp: RollUp, policy: LifecyclePolicy): Map<string, SearchCompanyDto[]> {
  const members = new Map<string, SearchCompanyDto[]>();
  for (const company of rollUp.companies) {
    const name = groupNameOf(company, rollUp.groupBy, rollUp.asOf, policy);
    members.set(name, [...(members.get(name) ?? []), company]);
  }
  return members;
}
