// How the listing commands (expired, renewals, over-limit) report: warnings on stderr, the companies in the
// chosen format; the count, day, scope and strategy in the table's footer, in the JSON document, and on stderr
// beside a CSV or XLSX file (which hold data only).
import type { Listing } from '../../client/index.js';
import { describeListing, type ListingDescription, writeCompanyList } from '../output/index.js';
import type { CommandContext } from './client-options.js';

/** The first --limit rows (all of them without --limit). */
export function limitRows<T>(rows: readonly T[], limit: number | undefined): readonly T[] {
  return limit === undefined ? rows : rows.slice(0, limit);
}

export async function reportListing(
  context: CommandContext,
  listing: Listing,
  options: { showCreated?: boolean } = {},
): Promise<void> {
  context.progress.stop();
  for (const warning of listing.warnings) context.warn(warning);
  const companies = limitRows(listing.companies, context.limit);
  const description: ListingDescription = {
    asOf: listing.asOf,
    timeZone: listing.timeZone,
    scope: context.scope,
    matched: listing.companies.length,
    strategy: listing.strategy,
  };
  if (context.target.format === 'csv' || context.target.format === 'xlsx') {
    process.stderr.write(`${describeListing(companies.length, description).join('\n')}\n`);
  }
  await writeCompanyList(context.target, {
    ...options,
    companies,
    description,
    header: {
      strategy: listing.strategy.name,
      reason: listing.strategy.reason,
      asOf: listing.asOf,
      timeZone: listing.timeZone,
    },
  });
}
