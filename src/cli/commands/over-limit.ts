// `lapse over-limit`: limited licences with more target users than the licence allows.
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { withCommonOptions } from './client-options.js';
import { licenceListingAction, withListingHistoryOptions } from './history-options.js';

export function registerOverLimit(program: Command, environment: Environment): void {
  withListingHistoryOptions(
    withCommonOptions(
      program.command('over-limit').description('list companies with more target users than their licence limit'),
    ),
  ).action(
    licenceListingAction(
      environment,
      () => 'over-limit',
      (context) => context.client.exceedingLimit(context.listingOptions),
    ),
  );
}
