// The page's query strings: read as the browser wrote them, checked against the contract's schemas (a 400 for
// the page, never a guess), and turned into a ViewQuery; the same parameters drive a page of rows and the
// download of all of them.
import type { TSchema } from '@sinclair/typebox';
import type { FastifySchemaValidationError } from 'fastify';
import type {
  DASHBOARD_QUERY_FORMATS,
  SortKey,
  SummaryQueryString,
  ViewName,
  ViewQuery,
  ViewQueryString,
} from '../contract/index.js';

/** A query parameter the page should never have sent. */
export class QueryError extends Error {
  override name = 'QueryError';
}

/**
 * Reads a query string as URLSearchParams does, the first of a repeated name winning, and leaves out empty values:
 * an empty parameter means the same as an absent one.
 */
export function parseQueryString(text: string): Record<string, string> {
  const first = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(text)) if (!first.has(name)) first.set(name, value);
  const query: Record<string, string> = Object.create(null);
  for (const [name, value] of first) if (value !== '') query[name] = value;
  return query;
}

const FORMAT_MESSAGES: Record<keyof typeof DASHBOARD_QUERY_FORMATS, (value: string) => string> = {
  'time-zone': (value) => `unknown time zone "${value}"`,
  'calendar-day': (value) => `as-of day "${value}" is not a YYYY-MM-DD day`,
  'chart-month': (value) => `month "${value}" is not a YYYY-MM month or older`,
  since: (value) => `since "${value}" is not last, a number of days such as 7d, or a YYYY-MM-DD day`,
};

/** What is wrong with a parameter, read off its own schema: the values it may take, or its range, or its format. */
function describeParameter(name: string, schema: TSchema, value: string): string {
  if (Array.isArray(schema.anyOf)) {
    return `${name} must be one of ${schema.anyOf.map((option: TSchema) => option.const).join(', ')}`;
  }
  if (schema.type === 'integer') return `${name} must be a whole number from ${schema.minimum} to ${schema.maximum}`;
  const format = FORMAT_MESSAGES[schema.format as keyof typeof FORMAT_MESSAGES];
  return format ? format(value) : `${name} is not valid`;
}

/** The QueryError for the first parameter a querystring schema refused. */
export function queryErrorOf(
  errors: readonly FastifySchemaValidationError[],
  schema: TSchema,
  query: Record<string, unknown>,
): QueryError {
  const [first] = errors;
  const missing = first?.params.missingProperty;
  const name = typeof missing === 'string' ? missing : (first?.instancePath.slice(1) ?? '');
  const parameter: TSchema | undefined = schema.properties?.[name];
  if (!parameter) return new QueryError(first?.message ?? 'the query is not valid');
  return new QueryError(describeParameter(name, parameter, String(query[name] ?? '')));
}

/** The order of each view's listing, as the SDK reports it and the CLI prints it (src/client/strategies/criterion.ts). */
const LISTING_ORDER: Record<ViewName, { sort: SortKey; ascending: boolean }> = {
  expired: { sort: 'renewalDay', ascending: true },
  renewing: { sort: 'renewalDay', ascending: true },
  'over-limit': { sort: 'companyName', ascending: true },
};

/** The time zone and day D a query names; an absent asOf is resolved later against the clock. */
export function parseDayChoice(query: SummaryQueryString): { timeZone: string; asOf: string } {
  return { timeZone: query.tz ?? 'UTC', asOf: query.asOf ?? '' };
}

export function parseViewQuery(query: ViewQueryString): ViewQuery {
  const view = query.view ?? 'expired';
  const defaults = LISTING_ORDER[view];
  const sort = query.sort ?? defaults.sort;
  const ascending = query.dir === undefined ? defaults.ascending : query.dir === 'asc';
  return {
    view,
    ...parseDayChoice(query),
    withinDays: query.within ?? 30,
    search: (query.q ?? '').trim(),
    reseller: query.reseller ?? '',
    sort,
    ascending,
    isListingOrder: sort === defaults.sort && ascending === defaults.ascending,
    month: query.month ?? '',
    age: query.age ?? '',
    licenceType: query.licenceType ?? '',
    state: query.state ?? '',
    page: query.page ?? 1,
    pageSize: query.pageSize ?? 50,
  };
}
