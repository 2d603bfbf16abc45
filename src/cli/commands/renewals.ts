// `lapse renewals --within 30d`: the companies whose renewal day falls from today through today + N days.
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { integerOption } from '../integer-option.js';
import { clientAction, withCommonOptions } from './client-options.js';
import { withGroupByOptions } from './group-by.js';
import { type ListingFlags, runListing } from './listing-report.js';
import { withSegmentOptions } from './search-options.js';

/** "30d" or "30": a whole number of days. */
export const parseWithinDays = integerOption({ min: 0, max: 99_999, suffix: 'd' });

export function registerRenewals(program: Command, environment: Environment): void {
  const command = program
    .command('renewals')
    .description('list companies whose licence renews within the next N days (today and day N included)')
    .option('--within <days>', 'window length, e.g. 30d or 30', parseWithinDays, 30);
  withCommonOptions(withGroupByOptions(withSegmentOptions(command), { hasWithin: true })).action(
    clientAction<ListingFlags>(environment, (context, flags) =>
      runListing(context, flags, 'renewing', (options) =>
        context.client.renewing({ ...options, withinDays: flags.within ?? 30 }),
      ),
    ),
  );
}
