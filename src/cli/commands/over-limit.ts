// `lapse over-limit`: limited licences with more target users than the licence allows.
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { type CommonFlags, clientAction, withCommonOptions } from './client-options.js';
import { type ListingHistoryFlags, reportLicenceListing, withListingHistoryOptions } from './history-options.js';

export function registerOverLimit(program: Command, environment: Environment): void {
  withListingHistoryOptions(
    withCommonOptions(
      program.command('over-limit').description('list companies with more target users than their licence limit'),
    ),
  ).action(
    clientAction<CommonFlags & ListingHistoryFlags>(environment, async (context, flags) =>
      reportLicenceListing(
        context,
        flags,
        environment,
        'over-limit',
        await context.client.exceedingLimit(context.listingOptions),
      ),
    ),
  );
}
