// `lapse expired`: the companies whose licence has expired (renewal day before today, contract §4).
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { type CommonFlags, clientAction, withCommonOptions } from './client-options.js';
import { type ListingHistoryFlags, reportLicenceListing, withListingHistoryOptions } from './history-options.js';

export function registerExpired(program: Command, environment: Environment): void {
  withListingHistoryOptions(
    withCommonOptions(program.command('expired').description('list companies whose licence has expired')),
  ).action(
    clientAction<CommonFlags & ListingHistoryFlags>(environment, async (context, flags) =>
      reportLicenceListing(
        context,
        flags,
        environment,
        'expired',
        await context.client.expired(context.listingOptions),
      ),
    ),
  );
}
