// `lapse expired`: the companies whose licence has expired (renewal day before today, contract §4).
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { clientAction, withCommonOptions } from './client-options.js';
import { reportListing } from './listing-report.js';

export function registerExpired(program: Command, environment: Environment): void {
  withCommonOptions(program.command('expired').description('list companies whose licence has expired')).action(
    clientAction(environment, async (context) =>
      reportListing(context, await context.client.expired(context.listingOptions)),
    ),
  );
}
