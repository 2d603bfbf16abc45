// `lapse renewals --within 30d`: the companies whose renewal day falls from today through today + N days.
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { integerOption } from '../integer-option.js';
import { type CommonFlags, withCommonOptions } from './client-options.js';
import { withGroupByOptions } from './group-by.js';
import { type ListingHistoryFlags, licenceListingAction, withListingHistoryOptions } from './history-options.js';
import type { ListingFlags } from './listing-report.js';
import { withSegmentOptions } from './search-options.js';

/** "30d" or "30": a whole number of days. */
export const parseWithinDays = integerOption({ min: 0, max: 99_999, suffix: 'd' });

interface RenewalsFlags extends CommonFlags, ListingHistoryFlags, ListingFlags {
  within: number;
}

export function registerRenewals(program: Command, environment: Environment): void {
  const command = program
    .command('renewals')
    .description('list companies whose licence renews within the next N days (today and day N included)')
    .option('--within <days>', 'window length, e.g. 30d or 30', parseWithinDays, 30);
  withListingHistoryOptions(
    withCommonOptions(withGroupByOptions(withSegmentOptions(command), { hasWithin: true })),
  ).action(
    licenceListingAction<RenewalsFlags>(
      environment,
      'renewing',
      (flags) => `renewals ${flags.within}d`,
      (context, flags, options) => context.client.renewing({ ...options, withinDays: flags.within }),
    ),
  );
}
