// The companies of several profiles as one listing: a Profile column first (table, CSV, XLSX; `profile` on each
// JSON company), the rows profile by profile in the order they were named, each profile's in its own order; the
// footer one line per profile (count, scope, strategy, or why it failed) and the total.
import type { ExportRecord, LifecyclePolicy, SearchCompanyDto } from '../../contract/index.js';
import type { SheetColumn, SheetLayout } from '../../spreadsheet/index.js';
import type { CommandContext } from '../commands/client-options.js';
import { type ListingHistoryFlags, lifecycleOf, loadPolicy } from '../commands/history-options.js';
import { factsOf } from '../commands/listing-files.js';
import { countAgeing, describeAgeing, type ListingFlags, limitRows } from '../commands/listing-report.js';
import type { Environment } from '../environment.js';
import { describeError, exitCodeFor } from '../exit-codes.js';
import { type FileColumn, fileColumnsOf, fileRecordOf, sheetColumnsOf } from '../output/file-columns.js';
import {
  COMPANY_COLUMNS,
  describeListing,
  type MergedFileFacts,
  type OutputTarget,
  ownSheetLayout,
  renderRows,
  type TableColumn,
  writeOutput,
  writeOwnFile,
} from '../output/index.js';
import { mergedFactsOf, type ProfileFileFacts } from './merged-facts.js';
import { isFailed, type ProfileListing, type ProfileOutcome } from './over-profiles.js';

export interface ProfileRow {
  profile: string;
  company: SearchCompanyDto;
}

export const PROFILE_HEAD = 'Profile';
const PROFILE_SHEET_COLUMN: SheetColumn = { header: PROFILE_HEAD, kind: 'text' };

const PROFILE_TABLE: readonly TableColumn<ProfileRow>[] = [
  { head: PROFILE_HEAD, cell: (row) => row.profile },
  ...COMPANY_COLUMNS.map((column) => ({
    ...column,
    cell: (row: ProfileRow, asOf: string) => column.cell(row.company, asOf),
  })),
];

interface MergedProfile {
  profile: string;
  context: CommandContext;
  listing: ProfileListing;
  /** The policy of the profile's lifecycle states (--state and the files' columns). */
  policy: LifecyclePolicy;
  /** The companies kept (--state), before --limit. */
  kept: readonly SearchCompanyDto[];
  shown: readonly SearchCompanyDto[];
}

export interface MergeSetting {
  flags: ListingHistoryFlags & Partial<ListingFlags>;
  environment: Environment;
  /** What is listed, as a file's facts name it (ProfileRun.name). */
  listing: string;
}

function keptOf(context: CommandContext, listing: ProfileListing, state: string | undefined, policy: LifecyclePolicy) {
  if (state === undefined) return listing.companies;
  return listing.companies.filter((company) => lifecycleOf(company, context, policy).state === state);
}

function describeProfile(entry: MergedProfile): string {
  const { context, listing } = entry;
  const description = {
    asOf: listing.asOf,
    timeZone: listing.timeZone,
    scope: context.scope,
    matched: entry.kept.length,
    strategy: listing.strategy,
  };
  return `${entry.profile}: ${describeListing(entry.shown.length, description).join(' · ')}`;
}

const companiesWord = (count: number) => (count === 1 ? 'company' : 'companies');

function footerOf(listings: readonly MergedProfile[], outcomes: readonly ProfileOutcome<ProfileListing>[]): string[] {
  const first = listings[0]?.listing;
  const shown = listings.reduce((sum, entry) => sum + entry.shown.length, 0);
  const failed = outcomes.filter(isFailed);
  const all = listings.flatMap((entry) => entry.kept);
  return [
    ...outcomes.map((outcome) => {
      if (isFailed(outcome)) return `${outcome.profile}: failed: ${describeError(outcome.error)}`;
      return describeProfile(listings.find((entry) => entry.profile === outcome.profile) as MergedProfile);
    }),
    `total: ${shown} ${companiesWord(shown)} from ${listings.length} of ${outcomes.length} profiles` +
      (first ? ` · as of ${first.asOf} (${first.timeZone})` : '') +
      (failed.length > 0 ? ` · failed: ${failed.map((f) => f.profile).join(', ')}` : ''),
    ...(first ? [describeAgeing(countAgeing(all, first.asOf))] : []),
  ];
}

function jsonOf(listings: readonly MergedProfile[], outcomes: readonly ProfileOutcome<ProfileListing>[]) {
  const first = listings[0]?.listing;
  const profiles = outcomes.map((outcome) => {
    if (isFailed(outcome)) {
      return { profile: outcome.profile, error: describeError(outcome.error), exitCode: exitCodeFor(outcome.error) };
    }
    const { context, listing, kept, shown } = listings.find((e) => e.profile === outcome.profile) as MergedProfile;
    return {
      profile: outcome.profile,
      baseUrl: context.config.baseUrl,
      scope: context.scope,
      strategy: listing.strategy.name,
      reason: listing.strategy.reason,
      count: shown.length,
      ...(shown.length === kept.length ? {} : { matched: kept.length }),
      ageing: countAgeing(kept, listing.asOf),
    };
  });
  const companies = listings.flatMap((entry) => entry.shown.map((company) => ({ profile: entry.profile, ...company })));
  return {
    asOf: first?.asOf,
    timeZone: first?.timeZone,
    profiles,
    count: companies.length,
    companies,
  };
}

export async function reportMergedListing(
  target: OutputTarget,
  outcomes: ProfileOutcome<ProfileListing>[],
  setting: MergeSetting,
): Promise<void> {
  const listings: MergedProfile[] = [];
  for (const outcome of outcomes) {
    if (isFailed(outcome)) continue;
    const { context, value: listing } = outcome;
    for (const warning of listing.warnings) context.warn(`profile ${outcome.profile}: ${warning}`);
    const policy = await loadPolicy(context, setting.flags, setting.environment);
    const kept = keptOf(context, listing, setting.flags.state, policy);
    const shown = limitRows(kept, context.limit);
    listings.push({ profile: outcome.profile, context, listing, policy, kept, shown });
  }
  const asOf = listings[0]?.listing.asOf ?? '';
  const footer = footerOf(listings, outcomes);
  if (target.format === 'json') {
    return writeOutput(target.destination, `${JSON.stringify(jsonOf(listings, outcomes), null, 2)}\n`);
  }
  const rows = listings.flatMap((entry) => entry.shown.map((company) => ({ profile: entry.profile, company })));
  if (target.format === 'table') {
    const table = renderRows(PROFILE_TABLE, rows, asOf, { width: target.width });
    return writeOutput(target.destination, `${table}\n${footer.join('\n')}\n`);
  }
  process.stderr.write(`${footer.join('\n')}\n`);
  // The columns a one-profile listing file has without --columns, after the profile's name.
  const columns = fileColumnsOf();
  const layout = ownSheetLayout([PROFILE_SHEET_COLUMN, ...sheetColumnsOf(columns, asOf)], 'Companies');
  const records: ExportRecord[] = [];
  for (const entry of listings) {
    for (const company of entry.shown) {
      const lifecycle = lifecycleOf(company, entry.context, entry.policy);
      records.push([entry.profile, ...fileRecordOf(columns, { company, lifecycle }, asOf)]);
    }
  }
  const facts = mergedListingFacts(listings, outcomes, setting, { records: records.length, layout, columns });
  const sheets = [{ name: layout.title, layout, records }];
  return writeOwnFile(target.destination, { format: target.format, facts, sheets });
}

/** The merged file's facts: each profile's as its own listing file gives them (factsOf), merged. */
function mergedListingFacts(
  listings: readonly MergedProfile[],
  outcomes: readonly ProfileOutcome<ProfileListing>[],
  setting: MergeSetting,
  file: { records: number; layout: SheetLayout; columns: readonly FileColumn[] },
): MergedFileFacts {
  const headers = file.layout.columns.map((column) => column.header);
  const profiles = outcomes.map((outcome): ProfileFileFacts => {
    if (isFailed(outcome)) return outcome;
    const entry = listings.find((listing) => listing.profile === outcome.profile) as MergedProfile;
    const options = { listing: setting.listing, flags: setting.flags, policy: entry.policy };
    const subject = { rows: entry.shown.length, matched: entry.kept.length, strategy: entry.listing.strategy, headers };
    return { profile: outcome.profile, facts: factsOf(entry.context, options, subject, file.columns) };
  });
  const generatedAt = profiles.flatMap((entry) => ('facts' in entry ? [entry.facts.generatedAt] : []))[0] ?? '';
  const matched = listings.reduce((sum, entry) => sum + entry.kept.length, 0);
  return mergedFactsOf(profiles, { rows: file.records, matched, columns: headers, generatedAt });
}
