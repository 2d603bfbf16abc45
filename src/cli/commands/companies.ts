// `lapse companies`: the generic search, every page (or the first --limit rows); `--created-within 30d` lists
// the recently created companies instead, newest first, by the same strategies as the other listings.
import type { Command } from 'commander';
import type { GroupBy } from '../../client/index.js';
import { MAX_PAGE_SIZE, type SearchCompanyDto } from '../../contract/index.js';
import type { Environment } from '../environment.js';
import { UsageError } from '../exit-codes.js';
import { writeCompanyList } from '../output/index.js';
import { type CommandContext, clientAction, withCommonOptions } from './client-options.js';
import { type GroupByFlags, reportRollUp, withGroupByOptions } from './group-by.js';
import { reportListing } from './listing-report.js';
import { parseWithinDays } from './renewals.js';
import { type SearchFlags, searchRequestFrom, segmentFrom, withSearchOptions } from './search-options.js';

interface CompaniesFlags extends SearchFlags, GroupByFlags {
  createdWithin?: number;
}

async function rollUpSearch(context: CommandContext, flags: CompaniesFlags, groupBy: GroupBy): Promise<void> {
  const rollUp = await context.client.rollUp({
    ...context.listingOptions,
    segment: await segmentFrom(flags, context),
    groupBy,
    population: { kind: 'search', request: await searchRequestFrom(flags, context) },
    withinDays: flags.within ?? 30,
  });
  await reportRollUp(context, rollUp);
}

async function searchAll(context: CommandContext, flags: CompaniesFlags): Promise<void> {
  const companies: SearchCompanyDto[] = [];
  const warnings: string[] = [];
  const limit = context.limit ?? Number.POSITIVE_INFINITY;
  const request = await searchRequestFrom(flags, context);
  // A short --limit needs one small page, not a full one.
  if (flags.pageSize === undefined && limit < MAX_PAGE_SIZE) request.pageSize = limit;
  for await (const company of context.client.companies.iterate(request, {
    warn: (message) => warnings.push(message),
  })) {
    companies.push(company);
    if (companies.length >= limit) break;
  }
  for (const warning of warnings) context.warn(warning);
  await writeCompanyList(context.target, {
    companies,
    description: { asOf: context.asOf, timeZone: context.timeZone, scope: context.scope, matched: companies.length },
    header: { asOf: context.asOf, timeZone: context.timeZone },
  });
}

async function listCreated(context: CommandContext, flags: CompaniesFlags, withinDays: number): Promise<void> {
  const segment = await segmentFrom(flags, context);
  const listing = await context.client.createdWithin({ ...context.listingOptions, withinDays, segment });
  await reportListing(context, listing, { showCreated: true });
}

export function registerCompanies(program: Command, environment: Environment): void {
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
  ).action(
    clientAction<CompaniesFlags>(environment, (context, flags) => {
      if (flags.groupBy !== undefined) {
        if (flags.createdWithin !== undefined) throw new UsageError('--group-by takes no --created-within');
        return rollUpSearch(context, flags, flags.groupBy);
      }
      return flags.createdWithin === undefined
        ? searchAll(context, flags)
        : listCreated(context, flags, flags.createdWithin);
    }),
  );
}
