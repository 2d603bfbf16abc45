// `lapse companies`: the generic search, every page.
import type { Command } from 'commander';
import type { SearchCompanyDto } from '../../contract/index.js';
import type { Environment } from '../environment.js';
import { writeCompanyList } from '../output/index.js';
import { clientAction, withCommonOptions } from './client-options.js';
import {
  type ListingHistoryFlags,
  reportWithHistory,
  searchListingOf,
  withListingHistoryOptions,
} from './history-options.js';
import { type SearchFlags, searchRequestFrom, withSearchOptions } from './search-options.js';

export function registerCompanies(program: Command, environment: Environment): void {
  withListingHistoryOptions(
    withCommonOptions(
      withSearchOptions(program.command('companies').description('search companies (every page of the results)')),
    ),
  ).action(
    clientAction<SearchFlags & ListingHistoryFlags>(environment, async (context, flags) => {
      const companies: SearchCompanyDto[] = [];
      const warnings: string[] = [];
      for await (const company of context.client.companies.iterate(searchRequestFrom(flags), {
        warn: (message) => warnings.push(message),
      })) {
        companies.push(company);
      }
      for (const warning of warnings) context.warn(warning);
      const { view, listing } = searchListingOf(context, flags, companies);
      await reportWithHistory(context, flags, environment, view, listing, (kept) =>
        writeCompanyList(context.target, {
          companies: kept,
          asOf: context.asOf,
          header: { asOf: context.asOf, timeZone: context.timeZone },
        }),
      );
    }),
  );
}
