// Strategy (b): no usable server filter, so read the listing ordered by renewal date ascending, keep the rows
// in the window and stop at the first row past it. contract §4 says nulls sort first ascending, but a server
// may put them last: a null never stops the scan, and a dated row after a trailing null means the order
// cannot be trusted (then the full scan takes over).
import { type CalendarDay, renewalDayOf, type SearchCompanyDto } from '../../contract/index.js';
import { ValidationError } from '../errors.js';
import type { Criterion } from './criterion.js';
import { baseBody, type ListingRun, type Strategy, type StrategyOutcome, scanFor } from './listing-run.js';
import { describeRejection } from './server-filter.js';

// contract §8: some servers accept only one of the two spellings.
const RENEWAL_ORDER_NAMES = ['LicenseEndDate', 'RenewalDate'] as const;

async function* scanOrdered(
  run: ListingRun,
  criterion: Criterion,
  orderBy: string,
): AsyncGenerator<SearchCompanyDto[], StrategyOutcome> {
  const before = criterion.window?.before;
  let lastDay: CalendarDay | undefined;
  let hasTrailingNull = false;
  for await (const { page, isRewind } of scanFor(run, 'ordered-scan', baseBody(run, { orderBy, ascending: true }))) {
    if (isRewind) lastDay = undefined; // a re-read page starts earlier in the order
    // Rows matched on this page so far: checked, so right to keep even when the page then proves out of order.
    const matched: SearchCompanyDto[] = [];
    for (const company of page.results) {
      const day = renewalDayOf(company.licenseEndDate);
      if (day === null) {
        hasTrailingNull ||= lastDay !== undefined;
        continue;
      }
      if ((lastDay !== undefined && day < lastDay) || hasTrailingNull) {
        yield matched;
        return { isComplete: false, reason: `the server did not order by ${orderBy}` };
      }
      lastDay = day;
      if (criterion.matches(company)) matched.push(company);
      if (before !== undefined && day >= before) {
        yield matched;
        return {
          isComplete: true,
          reason: `ordered by ${orderBy} and stopped at the first renewal day on or after ${before}`,
        };
      }
    }
    yield matched;
  }
  const nulls = hasTrailingNull ? '; open-ended licences sorted last' : '';
  return { isComplete: true, reason: `ordered by ${orderBy} to the end of the listing${nulls}` };
}

export const orderedScan: Strategy = async function* (run, criterion) {
  if (criterion.window === undefined) return { isComplete: false, reason: 'not a renewal-date listing' };
  const rejections: string[] = [];
  for (const orderBy of RENEWAL_ORDER_NAMES) {
    try {
      return yield* scanOrdered(run, criterion, orderBy);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      rejections.push(`orderBy ${orderBy} rejected (${describeRejection(error)})`);
    }
  }
  return { isComplete: false, reason: rejections.join('; ') };
};
