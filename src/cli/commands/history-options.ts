// The history and lifecycle flags: --history (which file), --policy (lead days and grace), and on the listing
// commands --record (keep this listing as a snapshot), --state (keep companies in one lifecycle state) and
// --lifecycle (show the state columns).
import { readFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import type { GroupBy, Listing, ListingOptions, RollUp, RollUpPopulation } from '../../client/index.js';
import type { ListingKind } from '../../client/strategies/index.js';
import {
  DEFAULT_LIFECYCLE_POLICY,
  LIFECYCLE_STATES,
  type Lifecycle,
  type LifecyclePolicy,
  type LifecycleState,
  lifecycleOn,
  parseLifecyclePolicy,
  renewalDayOf,
  type SearchCompanyDto,
} from '../../contract/index.js';
import { type History, openHistory, type RecordableListing, type ScopeOptions } from '../../history/index.js';
import type { Environment } from '../environment.js';
import { UsageError } from '../exit-codes.js';
import { listingsOverProfiles, overProfilesOr } from '../profiles/index.js';
import { type CommandContext, type CommonFlags, clientAction } from './client-options.js';
import { assertGroupByAlone, type GroupByFlags, reportRollUp } from './group-by.js';
import { writeLifecycleListing } from './lifecycle-listing.js';
import { type FileOptions, isFileFormat } from './listing-files.js';
import { type ListingFlags, reportListing } from './listing-report.js';
import { type SegmentFlags, segmentFrom } from './search-options.js';

export interface HistoryFlags {
  history?: string;
  policy?: string;
}

export interface ListingHistoryFlags extends HistoryFlags {
  record?: boolean;
  state?: LifecycleState;
  lifecycle?: boolean;
}

export function withHistoryFileOption(command: Command): Command {
  return command.option(
    '--history <file>',
    'history file (default LAPSE_HISTORY, else one per server, credential and scope in $XDG_DATA_HOME/lapse)',
  );
}

export function withPolicyOption(command: Command): Command {
  return command.option('--policy <file>', 'lifecycle policy JSON (default LAPSE_POLICY, the config\'s "policy")');
}

/** --history and --policy: the commands that compare snapshots and judge states. */
export function withHistoryAndPolicyOptions(command: Command): Command {
  return withPolicyOption(withHistoryFileOption(command));
}

/** The flags every listing command takes for history and lifecycle states. */
export function withListingHistoryOptions(command: Command): Command {
  return withHistoryAndPolicyOptions(command)
    .option('--record', 'keep this listing as a snapshot in the history')
    .addOption(
      new Option('--state <state>', "only companies in this lifecycle state (lapse's own, see --policy)").choices(
        LIFECYCLE_STATES,
      ),
    )
    .option('--lifecycle', 'add the "Lifecycle state" and "Next state change" columns');
}

export function openCommandHistory(
  context: Pick<CommandContext, 'config'>,
  flags: HistoryFlags,
  environment: Environment,
): History {
  return openHistory({
    baseUrl: context.config.baseUrl,
    clientId: context.config.clientId,
    companyId: context.config.companyId,
    path: flags.history ?? (environment.LAPSE_HISTORY || undefined),
    environment,
    now: context.config.now,
  });
}

/** Runs `work` with the command's history and its listing's day, zone and page size; closes the file after. */
export async function withCommandHistory<T>(
  context: CommandContext,
  flags: HistoryFlags & { pageSize?: number },
  environment: Environment,
  work: (history: History, scope: ScopeOptions) => Promise<T>,
): Promise<T> {
  const history = openCommandHistory(context, flags, environment);
  try {
    return await work(history, { asOf: context.asOf, timeZone: context.timeZone, pageSize: flags.pageSize });
  } finally {
    history.close();
  }
}

/** --policy, else LAPSE_POLICY, else the config file's "policy" key, else the defaults. */
export async function loadPolicy(
  context: Pick<CommandContext, 'config'>,
  flags: HistoryFlags,
  environment: Environment,
): Promise<LifecyclePolicy> {
  const path = flags.policy ?? (environment.LAPSE_POLICY || undefined);
  if (path === undefined) {
    return context.config.policy === undefined
      ? DEFAULT_LIFECYCLE_POLICY
      : parseLifecyclePolicy(context.config.policy, 'config "policy"');
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`policy file ${path} cannot be read (${(error as Error).message})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`policy file ${path} is not valid JSON (${(error as Error).message})`);
  }
  return parseLifecyclePolicy(parsed, path);
}

export function lifecycleOf(company: SearchCompanyDto, context: CommandContext, policy: LifecyclePolicy): Lifecycle {
  return lifecycleOn(renewalDayOf(company.licenseEndDate), company.licenseTypeName, context.asOf, policy);
}

export interface ListingView {
  /** What the snapshot is called in the history (`expired`, `renewals 30d`, …). */
  name: string;
  /** Whether the listing held every company of the scope (then companies missing from it are gone). */
  isWholeScope: boolean;
}

/**
 * Records the listing when asked, then hands its companies (only those in --state, when given) to `report`,
 * or (--lifecycle) prints them with the lifecycle columns as a table or JSON.
 */
export async function reportWithHistory(
  context: CommandContext,
  flags: ListingHistoryFlags,
  environment: Environment,
  view: ListingView,
  listing: RecordableListing,
  report: (companies: SearchCompanyDto[]) => Promise<void>,
  tableOptions: { showCreated?: boolean } = {},
): Promise<void> {
  if (flags.record) {
    await withCommandHistory(context, flags, environment, async (history) => {
      const recorded = history.recordListing(listing, view.name, view.isWholeScope);
      process.stderr.write(
        `recorded snapshot ${recorded.id} (${view.name}) in ${history.path}: ` +
          `${recorded.added} new, ${recorded.changed} changed, ${recorded.removed} gone\n`,
      );
    });
  }
  if (flags.state === undefined && !flags.lifecycle) return report([...listing.companies]);
  const policy = await loadPolicy(context, flags, environment);
  const rows = listing.companies
    .map((company) => ({ company, lifecycle: lifecycleOf(company, context, policy) }))
    .filter((row) => flags.state === undefined || row.lifecycle.state === flags.state);
  // lapse's own CSV and XLSX files carry the lifecycle columns anyway (file-columns.ts): one layout for a file.
  if (!flags.lifecycle || isFileFormat(context.target.format)) return report(rows.map((row) => row.company));
  context.progress.stop();
  await writeLifecycleListing(context, listing, rows, policy, tableOptions);
}

/** What a listing's own file says of itself, and the policy its lifecycle columns follow. */
export async function fileOptionsOf(
  context: CommandContext,
  flags: HistoryFlags & Partial<ListingFlags>,
  environment: Environment,
  listing: string,
): Promise<FileOptions> {
  return { listing, flags, policy: await loadPolicy(context, flags, environment) };
}

/** A segment's flags in a snapshot's name, so a segment's snapshots are compared with that segment's only. */
function segmentSuffix(flags: SegmentFlags): string {
  const parts = [
    flags.reseller === undefined ? [] : [`reseller ${flags.reseller}`],
    flags.licenceType === undefined ? [] : [`licence type ${flags.licenceType}`],
    flags.text === undefined ? [] : [`text ${flags.text}`],
    flags.where.map((where) => `where ${where}`),
  ].flat();
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

/** The totals per group of a population under the command's segment; by state, under the command's policy. */
export async function rollUpOf(
  context: CommandContext,
  flags: SegmentFlags & GroupByFlags & HistoryFlags,
  environment: Environment,
  population: RollUpPopulation,
  groupBy: GroupBy,
): Promise<RollUp> {
  return context.client.rollUp({
    ...context.listingOptions,
    segment: await segmentFrom(flags, context),
    groupBy,
    population,
    withinDays: flags.within ?? 30,
    ...(groupBy === 'state' ? { policy: await loadPolicy(context, flags, environment) } : {}),
  });
}

/**
 * The action of a licence listing (expired, renewals, over-limit): the segment's listing, recorded and filtered
 * as the history flags say and reported as reportListing does, or (--group-by) its totals per group; over
 * several profiles with --profiles or --all-profiles.
 */
export function licenceListingAction<F extends CommonFlags & ListingHistoryFlags & ListingFlags>(
  environment: Environment,
  kind: ListingKind,
  viewNameOf: (flags: F) => string,
  list: (context: CommandContext, flags: F, options: ListingOptions) => Promise<Listing>,
): (flags: F) => Promise<void> {
  const listingOf = async (context: CommandContext, flags: F) =>
    list(context, flags, { ...context.listingOptions, segment: await segmentFrom(flags, context) });
  const rollUpOfKind = (context: CommandContext, flags: F, groupBy: GroupBy) =>
    rollUpOf(context, flags, environment, { kind }, groupBy);
  const single = clientAction<F>(environment, async (context, flags) => {
    assertGroupByAlone(flags);
    if (flags.groupBy !== undefined) {
      const rollUp = await rollUpOfKind(context, flags, flags.groupBy);
      return reportRollUp(context, rollUp, await fileOptionsOf(context, flags, environment, viewNameOf(flags)));
    }
    const listing = await listingOf(context, flags);
    const view = { name: viewNameOf(flags) + segmentSuffix(flags), isWholeScope: false };
    const file = await fileOptionsOf(context, flags, environment, viewNameOf(flags));
    await reportWithHistory(context, flags, environment, view, listing, (companies) =>
      reportListing(context, { ...listing, companies }, { file }),
    );
  });
  return overProfilesOr(
    single,
    listingsOverProfiles(environment, { name: viewNameOf, listing: listingOf, rollUp: rollUpOfKind }),
  );
}

/**
 * `lapse companies` as a listing to record: the whole scope when no segment flag narrowed it and the
 * search was read to its end (`isCut`: it stopped at --limit, so companies after the cut are not gone).
 */
export function searchListingOf(
  context: CommandContext,
  flags: SegmentFlags,
  companies: SearchCompanyDto[],
  isCut: boolean,
): { view: ListingView; listing: RecordableListing } {
  const isWholeScope = segmentSuffix(flags) === '' && !isCut;
  return {
    view: {
      name: isWholeScope ? 'companies' : isCut ? 'companies (first rows)' : 'companies (filtered)',
      isWholeScope,
    },
    listing: {
      companies,
      asOf: context.asOf,
      timeZone: context.timeZone,
      strategy: {
        name: 'search',
        reason: isCut ? `the first ${companies.length} rows of the search` : 'every page of the search',
      },
    },
  };
}
