// Reads the page's query string into a ViewQuery, refusing anything malformed (a 400 for the page, never a
// guess): the same parameters drive a page of rows and the download of all of them.
import {
  DASHBOARD_PAGE_SIZES,
  isValidTimeZone,
  MAX_WITHIN_DAYS,
  parseDay,
  SORT_KEYS,
  type SortKey,
  VIEW_NAMES,
  type ViewName,
  type ViewQuery,
} from '../contract/index.js';

/** A query parameter the page should never have sent. */
export class QueryError extends Error {
  override name = 'QueryError';
}

const DEFAULT_SORT: Record<ViewName, { sort: SortKey; ascending: boolean }> = {
  // The most recently lapsed first: the customers most likely to renew if called now.
  expired: { sort: 'renewalDay', ascending: false },
  renewing: { sort: 'renewalDay', ascending: true },
  'over-limit': { sort: 'overBy', ascending: false },
};

function oneOf<T extends string>(value: string | null, allowed: readonly T[], name: string): T | undefined {
  if (value === null || value === '') return undefined;
  if (!(allowed as readonly string[]).includes(value))
    throw new QueryError(`${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

function wholeNumber(value: string | null, name: string, min: number, max: number): number | undefined {
  if (value === null || value === '') return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new QueryError(`${name} must be a whole number from ${min} to ${max}`);
  }
  return number;
}

/** The time zone and day D a query names; an empty asOf is resolved later against the clock. */
export function parseDayChoice(params: URLSearchParams): { timeZone: string; asOf: string } {
  const timeZone = params.get('tz') || 'UTC';
  if (!isValidTimeZone(timeZone)) throw new QueryError(`unknown time zone "${timeZone}"`);
  const asOf = params.get('asOf') ?? '';
  if (asOf !== '' && parseDay(asOf) === undefined) throw new QueryError(`as-of day "${asOf}" is not a YYYY-MM-DD day`);
  return { timeZone, asOf };
}

export function parseCompanyQuery(params: URLSearchParams): ViewQuery {
  const view = oneOf(params.get('view'), VIEW_NAMES, 'view') ?? 'expired';
  const defaults = DEFAULT_SORT[view];
  const direction = oneOf(params.get('dir'), ['asc', 'desc'] as const, 'dir');
  const pageSize = wholeNumber(params.get('pageSize'), 'pageSize', 1, Math.max(...DASHBOARD_PAGE_SIZES)) ?? 50;
  return {
    view,
    ...parseDayChoice(params),
    withinDays: wholeNumber(params.get('within'), 'within', 0, MAX_WITHIN_DAYS) ?? 30,
    search: (params.get('q') ?? '').trim(),
    reseller: params.get('reseller') ?? '',
    sort: oneOf(params.get('sort'), SORT_KEYS, 'sort') ?? defaults.sort,
    ascending: direction === undefined ? defaults.ascending : direction === 'asc',
    page: wholeNumber(params.get('page'), 'page', 1, Number.MAX_SAFE_INTEGER) ?? 1,
    pageSize,
  };
}
