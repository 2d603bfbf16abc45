// `lapse expired`: the companies whose licence has expired (renewal day before today, contract §4).
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { withCommonOptions } from './client-options.js';
import { licenceListingAction, withListingHistoryOptions } from './history-options.js';

export function registerExpired(program: Command, environment: Environment): void {
  withListingHistoryOptions(
    withCommonOptions(program.command('expired').description('list companies whose licence has expired')),
  ).action(
    licenceListingAction(
      environment,
      () => 'expired',
      (context) => context.client.expired(context.listingOptions),
    ),
  );
}
