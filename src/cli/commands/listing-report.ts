// How the listing commands (expired, renewals, over-limit) report: warnings and the strategy on stderr, the
// companies in the chosen format.
import type { Listing } from '../../client/index.js';
import { writeCompanyList } from '../output/index.js';
import type { CommandContext } from './client-options.js';

export async function reportListing(context: CommandContext, listing: Listing): Promise<void> {
  context.progress.stop();
  for (const warning of listing.warnings) context.warn(warning);
  if (context.target.format !== 'json') {
    process.stderr.write(
      `${listing.companies.length} companies as of ${listing.asOf} (${listing.timeZone}); ` +
        `strategy ${listing.strategy.name}: ${listing.strategy.reason}\n`,
    );
  }
  await writeCompanyList(context.target, {
    companies: listing.companies,
    asOf: listing.asOf,
    header: {
      strategy: listing.strategy.name,
      reason: listing.strategy.reason,
      asOf: listing.asOf,
      timeZone: listing.timeZone,
    },
  });
}
