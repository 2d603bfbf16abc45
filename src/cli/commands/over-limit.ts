// `lapse over-limit`: limited licences with more target users than the licence allows.
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { clientAction, withCommonOptions } from './client-options.js';
import { reportListing } from './listing-report.js';

export function registerOverLimit(program: Command, environment: Environment): void {
  withCommonOptions(
    program.command('over-limit').description('list companies with more target users than their licence limit'),
  ).action(
    clientAction(environment, async (context) =>
      reportListing(context, await context.client.exceedingLimit(context.listingOptions)),
    ),
  );
}
