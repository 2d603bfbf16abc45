// `lapse over-limit`: limited licences with more target users than the licence allows.
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { withCommonOptions } from './client-options.js';
import { withGroupByOptions } from './group-by.js';
import { licenceListingAction, withListingHistoryOptions } from './history-options.js';
import { withSegmentOptions } from './search-options.js';

export function registerOverLimit(program: Command, environment: Environment): void {
  const command = program
    .command('over-limit')
    .description('list companies with more target users than their licence limit');
  withListingHistoryOptions(
    withCommonOptions(withGroupByOptions(withSegmentOptions(command), { hasWithin: false })),
  ).action(
    licenceListingAction(
      environment,
      'over-limit',
      () => 'over-limit',
      (context, _flags, options) => context.client.exceedingLimit(options),
    ),
  );
}
