// Strategy (a): the server filters (a LicenseEndDate filter item, or isTargetUserCountExceededLimit), and the
// client checks every row it gets, because some servers ignore a filter and return everything (contract §8).
import { renewalDayOf, type SearchBody } from '../../contract/index.js';
import { ValidationError } from '../errors.js';
import { baseBody, type Strategy, scanFor } from './listing-run.js';

export const serverFilter: Strategy = async function* (run, criterion) {
  // A renewal window asks for renewal-date order: a server can read such pages straight off its renewal-date
  // index, so deep pages stay cheap. A server that rejects that ordering is asked again in its default order.
  const orderings: (Partial<SearchBody> | undefined)[] = criterion.window
    ? [{ orderBy: 'LicenseEndDate', ascending: true }, undefined]
    : [undefined];
  let rejection = '';
  for (const ordering of orderings) {
    try {
      for await (const { page } of scanFor(run, 'server-filter', criterion.refine(baseBody(run, ordering)))) {
        const stray = page.results.find((company) => !criterion.matches(company));
        if (stray !== undefined) {
          const day = renewalDayOf(stray.licenseEndDate) ?? 'none';
          return {
            isComplete: false,
            reason: `the server ignored the filter (${stray.companyResourceId}, renewal day ${day}, is not ${criterion.description})`,
          };
        }
        yield page.results;
      }
      return { isComplete: true, reason: `the server filtered on ${criterion.description}; every row checked` };
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      rejection = describeRejection(error);
    }
  }
  return { isComplete: false, reason: `the server rejected the filter (${rejection})` };
};

export function describeRejection(error: ValidationError): string {
  return [error.message, ...error.validationMessages].filter((line) => line !== '').join(': ');
}
