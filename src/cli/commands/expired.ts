// `lapse expired`: the companies whose licence has expired (renewal day before today, contract §4).
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { withCommonOptions } from './client-options.js';
import { withGroupByOptions } from './group-by.js';
import { licenceListingAction, withListingHistoryOptions } from './history-options.js';
import { withSegmentOptions } from './search-options.js';

export function registerExpired(program: Command, environment: Environment): void {
  const command = program.command('expired').description('list companies whose licence has expired');
  withListingHistoryOptions(
    withCommonOptions(withGroupByOptions(withSegmentOptions(command), { hasWithin: false })),
  ).action(
    licenceListingAction(
      environment,
      'expired',
      () => 'expired',
      (context, _flags, options) => context.client.expired(options),
    ),
  );
}
