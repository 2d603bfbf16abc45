// `lapse companies`: the generic search, every page (or the first --limit rows).
import type { Command } from 'commander';
import { MAX_PAGE_SIZE, type SearchCompanyDto } from '../../contract/index.js';
import type { Environment } from '../environment.js';
import { writeCompanyList } from '../output/index.js';
import { clientAction, withCommonOptions } from './client-options.js';
import { type SearchFlags, searchRequestFrom, withSearchOptions } from './search-options.js';

export function registerCompanies(program: Command, environment: Environment): void {
  withCommonOptions(
    withSearchOptions(program.command('companies').description('search companies (every page of the results)')),
  ).action(
    clientAction<SearchFlags>(environment, async (context, flags) => {
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
        description: {
          asOf: context.asOf,
          timeZone: context.timeZone,
          scope: context.scope,
          matched: companies.length,
        },
        header: { asOf: context.asOf, timeZone: context.timeZone },
      });
    }),
  );
}
