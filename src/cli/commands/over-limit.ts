// `lapse over-limit`: limited licences with more target users than the licence allows.
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { clientAction, withCommonOptions } from './client-options.js';
import { withGroupByOptions } from './group-by.js';
import { type ListingFlags, runListing } from './listing-report.js';
import { withSegmentOptions } from './search-options.js';

export function registerOverLimit(program: Command, environment: Environment): void {
  const command = program
    .command('over-limit')
    .description('list companies with more target users than their licence limit');
  withCommonOptions(withGroupByOptions(withSegmentOptions(command), { hasWithin: false })).action(
    clientAction<ListingFlags>(environment, (context, flags) =>
      runListing(context, flags, 'over-limit', (options) => context.client.exceedingLimit(options)),
    ),
  );
}
