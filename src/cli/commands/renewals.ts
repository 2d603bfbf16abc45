// `lapse renewals --within 30d`: the companies whose renewal day falls from today through today + N days.
import { type Command, InvalidArgumentError } from 'commander';
import { type CommonFlags, clientAction, withCommonOptions } from './client-options.js';
import { reportListing } from './listing-report.js';

/** "30d" or "30": a whole number of days, 0 or more. */
export function parseWithinDays(text: string): number {
  const match = /^\s*(\d{1,5})\s*d?\s*$/i.exec(text);
  if (!match?.[1]) throw new InvalidArgumentError('expected a number of days, like 30d or 30');
  return Number(match[1]);
}

interface RenewalsFlags extends CommonFlags {
  within: number;
}

export function registerRenewals(program: Command): void {
  withCommonOptions(
    program
      .command('renewals')
      .description('list companies whose licence renews within the next N days (today and day N included)')
      .option('--within <days>', 'window length, e.g. 30d or 30', parseWithinDays, 30),
  ).action(
    clientAction<RenewalsFlags>(async (context, flags) =>
      reportListing(context, await context.client.renewing({ ...context.listingOptions, withinDays: flags.within })),
    ),
  );
}
