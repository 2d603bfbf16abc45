// `lapse expired`: the companies whose licence has expired (renewal day before today, contract §4).
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { clientAction, withCommonOptions } from './client-options.js';
import { withGroupByOptions } from './group-by.js';
import { type ListingFlags, runListing } from './listing-report.js';
import { withSegmentOptions } from './search-options.js';

export function registerExpired(program: Command, environment: Environment): void {
  const command = program.command('expired').description('list companies whose licence has expired');
  withCommonOptions(withGroupByOptions(withSegmentOptions(command), { hasWithin: false })).action(
    clientAction<ListingFlags>(environment, (context, flags) =>
      runListing(context, flags, 'expired', (options) => context.client.expired(options)),
    ),
  );
}
