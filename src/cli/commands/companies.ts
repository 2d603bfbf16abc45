// `lapse companies`: the generic search, every page (or the first --limit rows); `--created-within 30d` lists
// the recently created companies instead, newest first, by the same strategies as the other listings.
import type { Command } from 'commander';
import { MAX_PAGE_SIZE, type SearchCompanyDto } from '../../contract/index.js';
import type { Environment } from '../environment.js';
import { UsageError } from '../exit-codes.js';
import { writeCompanyList } from '../output/index.js';
import { type CommandContext, clientAction, withCommonOptions } from './client-options.js';
import { reportListing } from './listing-report.js';
import { parseWithinDays } from './renewals.js';
import { type SearchFlags, searchRequestFrom, withSearchOptions } from './search-options.js';

interface CompaniesFlags extends SearchFlags {
  createdWithin?: number;
}

async function searchAll(context: CommandContext, flags: CompaniesFlags): Promise<void> {
  const companies: SearchCompanyDto[] = [];
  const warnings: string[] = [];
  const limit = context.limit ?? Number.POSITIVE_INFINITY;
  const request = searchRequestFrom(flags);
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
  if (flags.where.length > 0 || flags.text !== undefined) {
    throw new UsageError('--created-within takes no --where or --text: it is a listing of its own');
  }
  const listing = await context.client.createdWithin({ ...context.listingOptions, withinDays });
  await reportListing(context, listing, { showCreated: true });
}

export function registerCompanies(program: Command, environment: Environment): void {
  withCommonOptions(
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
  ).action(
    clientAction<CompaniesFlags>(environment, (context, flags) =>
      flags.createdWithin === undefined ? searchAll(context, flags) : listCreated(context, flags, flags.createdWithin),
    ),
  );
}
