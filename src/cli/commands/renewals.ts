// `lapse renewals --within 30d`: the companies whose renewal day falls from today through today + N days.
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { integerOption } from '../integer-option.js';
import { type CommonFlags, withCommonOptions } from './client-options.js';
import { type ListingHistoryFlags, licenceListingAction, withListingHistoryOptions } from './history-options.js';

/** "30d" or "30": a whole number of days. */
export const parseWithinDays = integerOption({ min: 0, max: 99_999, suffix: 'd' });

interface RenewalsFlags extends CommonFlags, ListingHistoryFlags {
  within: number;
}

export function registerRenewals(program: Command, environment: Environment): void {
  withListingHistoryOptions(
    withCommonOptions(
      program
        .command('renewals')
        .description('list companies whose licence renews within the next N days (today and day N included)')
        .option('--within <days>', 'window length, e.g. 30d or 30', parseWithinDays, 30),
    ),
  ).action(
    licenceListingAction<RenewalsFlags>(
      environment,
      (flags) => `renewals ${flags.within}d`,
      (context, flags) => context.client.renewing({ ...context.listingOptions, withinDays: flags.within }),
    ),
  );
}
