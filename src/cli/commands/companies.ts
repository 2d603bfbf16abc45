// `lapse companies`: the generic search, every page (or the first --limit rows); `--created-within 30d` lists
// the recently created companies instead, newest first, by the same strategies as the other listings.
import type { Command } from 'commander';
import type { GroupBy, RollUp } from '../../client/index.js';
import { MAX_PAGE_SIZE, type SearchCompanyDto } from '../../contract/index.js';
import type { Environment } from '../environment.js';
import { UsageError } from '../exit-codes.js';
import { writeCompanyList } from '../output/index.js';
import { listingsOverProfiles, overProfilesOr, type ProfileListing } from '../profiles/index.js';
import { type CommandContext, clientAction, withCommonOptions } from './client-options.js';
import { assertGroupByAlone, type GroupByFlags, reportRollUp, withGroupByOptions } from './group-by.js';
import {
  fileOptionsOf,
  type ListingHistoryFlags,
  reportWithHistory,
  rollUpOf,
  searchListingOf,
  withListingHistoryOptions,
} from './history-options.js';
import { isFileFormat, writeListingFile } from './listing-files.js';
import { limitRows, reportListing } from './listing-report.js';
import { parseWithinDays } from './renewals.js';
import { type SearchFlags, searchRequestFrom, segmentFrom, withSearchOptions } from './search-options.js';

interface CompaniesFlags extends SearchFlags, GroupByFlags, ListingHistoryFlags {
  createdWithin?: number;
}

async function searchAll(context: CommandContext, flags: CompaniesFlags, environment: Environment): Promise<void> {
  const companies: SearchCompanyDto[] = [];
  const warnings: string[] = [];
  // --state keeps rows by lapse's own state, which the server cannot filter on: every page is read, then cut.
  const limit = (flags.state === undefined ? context.limit : undefined) ?? Number.POSITIVE_INFINITY;
  const request = await searchRequestFrom(flags, context);
  // A short --limit needs one small page, not a full one.
  if (flags.pageSize === undefined && limit < MAX_PAGE_SIZE) request.pageSize = limit;
  let isCut = false;
  for await (const company of context.client.companies.iterate(request, {
    warn: (message) => warnings.push(message),
  })) {
    companies.push(company);
    if (companies.length >= limit) {
      isCut = true;
      break;
    }
  }
  for (const warning of warnings) context.warn(warning);
  const { view, listing } = searchListingOf(context, flags, companies, isCut);
  const file = await fileOptionsOf(context, flags, environment, view.name);
  await reportWithHistory(context, flags, environment, view, listing, (kept) =>
    isFileFormat(context.target.format)
      ? writeListingFile(context, limitRows(kept, context.limit), { ...listing, matched: kept.length }, file)
      : writeCompanyList(context.target, {
          companies: limitRows(kept, context.limit),
          description: { asOf: context.asOf, timeZone: context.timeZone, scope: context.scope, matched: kept.length },
          header: { asOf: context.asOf, timeZone: context.timeZone },
        }),
  );
}

async function listCreated(
  context: CommandContext,
  flags: CompaniesFlags,
  environment: Environment,
  withinDays: number,
): Promise<void> {
  const segment = await segmentFrom(flags, context);
  const listing = await context.client.createdWithin({ ...context.listingOptions, withinDays, segment });
  const view = { name: `created ${withinDays}d`, isWholeScope: false };
  const file = await fileOptionsOf(context, flags, environment, view.name);
  await reportWithHistory(
    context,
    flags,
    environment,
    view,
    listing,
    (companies) => reportListing(context, { ...listing, companies }, { showCreated: true, file }),
    { showCreated: true },
  );
}

export function registerCompanies(program: Command, environment: Environment): void {
  withListingHistoryOptions(
    withCommonOptions(
      withGroupByOptions(
        withSearchOptions(
          program
            .command('companies')
            .description('search companies (every page of the results)')
            .option(
              '--created-within <days>',
              'instead: the companies created in the last N days (today and day -N included), newest first',
              parseWithinDays,
            ),
        ),
        { hasWithin: false },
      ),
    ),
  ).action(
    overProfilesOr(
      clientAction<CompaniesFlags>(environment, async (context, flags) => {
        if (flags.groupBy !== undefined) {
          const rollUp = await rollUpSearch(context, flags, environment, flags.groupBy);
          return reportRollUp(context, rollUp, await fileOptionsOf(context, flags, environment, 'companies'));
        }
        return flags.createdWithin === undefined
          ? searchAll(context, flags, environment)
          : listCreated(context, flags, environment, flags.createdWithin);
      }),
      listingsOverProfiles(environment, {
        name: () => 'companies',
        listing: listingOf,
        rollUp: (context, flags, groupBy) => rollUpSearch(context, flags, environment, groupBy),
      }),
    ),
  );
}

async function rollUpSearch(
  context: CommandContext,
  flags: CompaniesFlags,
  environment: Environment,
  groupBy: GroupBy,
): Promise<RollUp> {
  if (flags.createdWithin !== undefined) throw new UsageError('--group-by takes no --created-within');
  assertGroupByAlone(flags);
  const population = { kind: 'search' as const, request: await searchRequestFrom(flags, context) };
  return rollUpOf(context, flags, environment, population, groupBy);
}

/** The search's or the recently created companies' rows, for a run over several profiles. */
async function listingOf(context: CommandContext, flags: CompaniesFlags): Promise<ProfileListing> {
  if (flags.createdWithin !== undefined) {
    const segment = await segmentFrom(flags, context);
    return context.client.createdWithin({ ...context.listingOptions, withinDays: flags.createdWithin, segment });
  }
  const warnings: string[] = [];
  const companies: SearchCompanyDto[] = [];
  const request = await searchRequestFrom(flags, context);
  for await (const company of context.client.companies.iterate(request, { warn: (line) => warnings.push(line) })) {
    companies.push(company);
  }
  const { listing } = searchListingOf(context, flags, companies, false);
  return { ...listing, companies, warnings };
}
