// `lapse export`: the server's export endpoint (contract §5); when the server has no export route (404), the
// same rows are read through search and the file is written here with the same writers. `lapse export expired
// | renewing | over-limit` writes a listing's rows instead. The file name, format and destination are settled
// before the first request: stdout when it is not a terminal, never an existing file without --force.
import { extname } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebReadableStream } from 'node:stream/web';
import { type Command, Option } from 'commander';
import { type LapseClient, type Listing, NotFoundError, type SearchRequest } from '../../client/index.js';
import { type CalendarDay, EXPORT_COLUMNS, type SearchCompanyDto } from '../../contract/index.js';
import { type SpreadsheetFormat, streamSpreadsheet } from '../../spreadsheet/index.js';
import type { Environment } from '../environment.js';
import { UsageError } from '../exit-codes.js';
import { integerOption } from '../integer-option.js';
import {
  assertFormatFits,
  describeDestination,
  describeListing,
  manifestOf,
  type OutputTarget,
  resolveDestination,
  type Sidecar,
  STDOUT,
  writeOutput,
} from '../output/index.js';
import {
  type CommandContext,
  clientAction,
  type TargetOf,
  withConnectionOptions,
  withDayOptions,
  withListingOptions,
} from './client-options.js';
import { fileOptionsOf, type HistoryFlags, withPolicyOption } from './history-options.js';
import { type FileOptions, type FileSubject, factsOf, writeListingFile } from './listing-files.js';
import { limitRows } from './listing-report.js';
import { parseWithinDays } from './renewals.js';
import { type SearchFlags, searchRequestFrom, segmentFrom, withSearchOptions } from './search-options.js';

export const EXPORT_VIEWS = ['expired', 'renewing', 'over-limit'] as const;
type ExportView = (typeof EXPORT_VIEWS)[number];
const SPREADSHEET_FORMATS: readonly SpreadsheetFormat[] = ['csv', 'xlsx'];

interface ExportFlags extends SearchFlags, HistoryFlags {
  format?: SpreadsheetFormat;
  /** The old name of --format, still read. */
  type?: SpreadsheetFormat;
  force?: boolean;
  allPages?: boolean;
  page?: number;
  within?: number;
}

/** The format: --format (or the old --type), else the file name's extension, else CSV; the two must agree. */
export function exportFormatOf(flags: Pick<ExportFlags, 'format' | 'type' | 'output'>): SpreadsheetFormat {
  if (flags.format !== undefined && flags.type !== undefined) {
    throw new UsageError('--type is the old name of --format: give --format only');
  }
  const named = flags.format ?? flags.type;
  const extension = flags.output === undefined ? '' : extname(flags.output).slice(1).toLowerCase();
  const implied = SPREADSHEET_FORMATS.find((format) => format === extension);
  if (named !== undefined && implied !== undefined && named !== implied) {
    throw new UsageError(`--format ${named} does not match the file name ${flags.output}: name it .${named}`);
  }
  return named ?? implied ?? 'csv';
}

/** Like the dashboard's downloads: `lapse-expired-2026-12-01.csv`, with the --company scope when there is one. */
export function defaultExportName(
  view: ExportView | undefined,
  companyId: string | undefined,
  asOf: CalendarDay,
  format: SpreadsheetFormat,
): string {
  const scope = companyId === undefined ? '' : `-${companyId.replace(/[^\w.-]+/g, '_')}`;
  return `lapse-${view ?? 'companies'}${scope}-${asOf}.${format}`;
}

function assertFlagsFit(view: ExportView | undefined, flags: ExportFlags): void {
  const searchOnly = [
    ['--where', flags.where.length > 0],
    ['--text', flags.text !== undefined],
    ['--all-pages', flags.allPages === true],
    ['--page', flags.page !== undefined],
  ] as const;
  for (const [flag, isGiven] of searchOnly) {
    if (view !== undefined && isGiven) throw new UsageError(`${flag} is for lapse export without a view, not ${view}`);
  }
  if (flags.within !== undefined && view !== 'renewing') throw new UsageError('--within is for lapse export renewing');
  if (view === undefined && flags.limit !== undefined) {
    throw new UsageError('--limit is for the views (expired, renewing, over-limit); use --page-size and --page');
  }
}

function targetFor(view: ExportView | undefined): TargetOf<ExportFlags> {
  return async (flags, { config, asOf }) => {
    assertFlagsFit(view, flags);
    const format = exportFormatOf(flags);
    const rules = { refuseExisting: flags.force !== true };
    if (flags.output === undefined && !process.stdout.isTTY) return { format, destination: STDOUT };
    const name = flags.output ?? defaultExportName(view, config.companyId, asOf, format);
    const destination = await resolveDestination(name, rules);
    assertFormatFits(format, destination);
    return { format, destination } satisfies OutputTarget;
  };
}

async function* onePage(client: LapseClient, request: SearchRequest): AsyncGenerator<SearchCompanyDto> {
  yield* (await client.companies.search(request)).results;
}

function spreadsheetFormat(target: OutputTarget): SpreadsheetFormat {
  return target.format === 'xlsx' ? 'xlsx' : 'csv';
}

const EXPORT_HEADERS = EXPORT_COLUMNS.map((column) => column.header);

/** The manifest of a file in the contract's columns (the server's export, or its stand-in written here). */
function exportSidecar(context: CommandContext, file: FileOptions, subject: () => FileSubject): Sidecar | undefined {
  if (spreadsheetFormat(context.target) !== 'csv') return undefined;
  return { contentOf: (sha256) => manifestOf(factsOf(context, file, subject(), []), sha256) };
}

/** The search's rows (one page, or every page), counted as they pass. */
function searchRows(context: CommandContext, request: SearchRequest, flags: ExportFlags) {
  const counter = { rows: 0 };
  const source = flags.allPages ? context.client.companies.iterate(request) : onePage(context.client, request);
  async function* counted() {
    for await (const company of source) {
      counter.rows++;
      yield company;
    }
  }
  return { rows: counted(), counter };
}

async function collect<T>(rows: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const row of rows) all.push(row);
  return all;
}

async function exportSearch(context: CommandContext, flags: ExportFlags, environment: Environment): Promise<void> {
  const request: SearchRequest = { ...(await searchRequestFrom(flags, context)), pageNumber: flags.page ?? 1 };
  const format = spreadsheetFormat(context.target);
  const { destination } = context.target;
  const file = await fileOptionsOf(context, flags, environment, flags.allPages ? 'companies' : 'companies (one page)');
  if (flags.columns !== undefined) {
    // The server's export has the contract's columns only: chosen columns are written here from the search.
    const companies = await collect(searchRows(context, request, flags).rows);
    const strategy = { name: 'search', reason: 'written from search results: --columns chose the columns' };
    await writeListingFile(context, companies, { matched: companies.length, strategy }, file);
    process.stderr.write(`wrote ${describeDestination(destination)} (${companies.length} rows, written locally)\n`);
    return;
  }
  try {
    const exported = await context.client.companies.export({
      ...request,
      exportType: format === 'csv' ? 'CSV' : 'Excel',
      reportAllPages: flags.allPages === true,
    });
    const rows = exported.totalCount ?? null;
    const strategy = { name: 'server-export', reason: "the server's export, read in one snapshot (contract §5)" };
    const sidecar = exportSidecar(context, file, () => ({
      rows: rows ?? 0,
      matched: rows ?? 0,
      strategy,
      headers: EXPORT_HEADERS,
    }));
    await writeOutput(destination, Readable.fromWeb(exported.stream as NodeWebReadableStream<Uint8Array>), sidecar);
    process.stderr.write(
      `wrote ${describeDestination(destination)} (${rows ?? 'unknown number of'} rows, server export)\n`,
    );
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    context.warn('the server has no export route; writing the file from search results');
    const { rows, counter } = searchRows(context, request, flags);
    const strategy = { name: 'search', reason: 'the server has no export route: written from search results' };
    const subject = () => ({ rows: counter.rows, matched: counter.rows, strategy, headers: EXPORT_HEADERS });
    await writeOutput(destination, streamSpreadsheet(format, rows), exportSidecar(context, file, subject));
    process.stderr.write(`wrote ${describeDestination(destination)} (written locally)\n`);
  }
}

function listingOf(view: ExportView, context: CommandContext, flags: ExportFlags): Promise<Listing> {
  if (view === 'expired') return context.client.expired(context.listingOptions);
  if (view === 'over-limit') return context.client.exceedingLimit(context.listingOptions);
  return context.client.renewing({ ...context.listingOptions, withinDays: flags.within ?? 30 });
}

async function exportView(
  view: ExportView,
  context: CommandContext,
  flags: ExportFlags,
  environment: Environment,
): Promise<void> {
  const segment = await segmentFrom(flags, context);
  const listing = await listingOf(view, { ...context, listingOptions: { ...context.listingOptions, segment } }, flags);
  context.progress.stop();
  for (const warning of listing.warnings) context.warn(warning);
  const companies = limitRows(listing.companies, context.limit);
  const name = view === 'renewing' ? `renewals ${flags.within ?? 30}d` : view;
  const file = await fileOptionsOf(context, flags, environment, name);
  await writeListingFile(context, companies, { matched: listing.companies.length, strategy: listing.strategy }, file);
  const description = { ...listing, scope: context.scope, matched: listing.companies.length };
  process.stderr.write(`wrote ${describeDestination(context.target.destination)}\n`);
  process.stderr.write(`${describeListing(companies.length, description).join('\n')}\n`);
}

export function registerExport(program: Command, environment: Environment): void {
  const command = program
    .command('export')
    .argument('[view]', `${EXPORT_VIEWS.join(' | ')}: a listing's rows instead of a search's`)
    .description(
      'export companies to CSV or Excel through the server (written locally when it has no export); to stdout when it is not a terminal, else to lapse-<view>-<day>.<format>',
    )
    .addOption(
      new Option('--format <format>', 'file format (default: the --output extension, else csv)').choices(
        SPREADSHEET_FORMATS,
      ),
    )
    .addOption(new Option('--type <type>').choices(SPREADSHEET_FORMATS).hideHelp())
    .option('--output <file>', 'write to this file (- for stdout)')
    .option('--force', 'replace a file that already exists')
    .option('--all-pages', 'every matching row, not only the selected page')
    .option('--page <n>', 'the page to export without --all-pages (default 1)', integerOption({ min: 1 }))
    .option('--within <days>', 'renewing: window length, e.g. 30d (default 30)', parseWithinDays);
  withPolicyOption(command);
  withListingOptions(withDayOptions(withConnectionOptions(withSearchOptions(command)))).action(
    async (view: string | undefined, flags: ExportFlags) => {
      if (view !== undefined && !(EXPORT_VIEWS as readonly string[]).includes(view)) {
        throw new UsageError(`unknown view "${view}": one of ${EXPORT_VIEWS.join(', ')}`);
      }
      const chosen = view as ExportView | undefined;
      const run = clientAction<ExportFlags>(
        environment,
        (context) =>
          chosen === undefined
            ? exportSearch(context, flags, environment)
            : exportView(chosen, context, flags, environment),
        targetFor(chosen),
      );
      await run(flags);
    },
  );
}
