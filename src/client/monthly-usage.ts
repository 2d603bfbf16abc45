// The billing question "monthly active users in a month": every page of the search that reports the month
// (`MonthlyActiveUser = "YYYY-MM"`, contract §4), summed over the customers in scope, with subtotals per reseller
// and per licence type. The history is the server's alone, so a server that ignores the month cannot be made up
// for here: that is found out before any page is read, and is an error, never the current month's count.
import { type Filter, MAX_PAGE_SIZE, parseMonthValue, type SearchCompanyDto, shiftMonth } from '../contract/index.js';
import { type Companies, createCompanies } from './companies.js';
import { ServerError, ValidationError } from './errors.js';
import type { ApiTransport } from './http.js';

export interface MonthlyUsageOptions {
  /** `YYYY-MM`, months 01 to 12. */
  month: string;
  /** Scope to this customer and the companies below it, instead of the client's own scope. */
  companyId?: string | undefined;
}

export interface UsageSubtotal {
  companies: number;
  total: number;
}

export interface ResellerUsage extends UsageSubtotal {
  /** The reseller's name as the search reports it; null for companies without one. */
  resellerName: string | null;
}

export interface LicenceTypeUsage extends UsageSubtotal {
  licenseTypeResourceId: string | null;
  licenseTypeName: string | null;
}

export interface MonthlyUsage {
  month: string;
  /** Monthly active users of the month, over every company in scope. */
  total: number;
  companies: number;
  /** By reseller name, then by licence type name (nulls last); each row's totals sum to `total`. */
  byReseller: ResellerUsage[];
  byLicenceType: LicenceTypeUsage[];
  server: {
    baseUrl: string;
    /** How the server showed it reports the month asked for. */
    monthCheck: string;
  };
}

/** The server cannot report a month's usage (it refuses or ignores `MonthlyActiveUser`): a usage error (exit 2). */
export class MonthlyUsageUnsupportedError extends ValidationError {}

const monthItem = (month: string) => ({ FieldName: 'MonthlyActiveUser', Operator: '=', Value: month });
const monthFilter = (...months: string[]): Filter => ({
  FilterGroups: [{ Condition: 'AND', FilterItems: months.map(monthItem) }],
});

/** The month a caller named, or a ValidationError saying what a month looks like. */
export function checkUsageMonth(text: string): string {
  const month = parseMonthValue(text);
  if (month === undefined) {
    throw new ValidationError(`month "${text}" is not a month: use YYYY-MM, months 01 to 12`, {
      validationMessages: [`month: "${text}" is not YYYY-MM`],
    });
  }
  return month;
}

function unsupported(baseUrl: string, month: string, how: string, cause?: unknown): MonthlyUsageUnsupportedError {
  return new MonthlyUsageUnsupportedError(
    `the server at ${baseUrl} ${how} the MonthlyActiveUser filter, so it cannot report ${month}'s monthly active users; the history is kept only by the server, so the client cannot compute it`,
    { cause },
  );
}

/**
 * Proves the server reports the month asked for, with two one-row searches. The month alone must be accepted;
 * the month with a second, different month in the same filter must be refused (400), as a server that reads
 * `MonthlyActiveUser` does (a search reports one month). A server or proxy that drops the items answers both
 * alike, whatever its data: so no count is compared, and equal counts in two months raise no false alarm.
 */
async function checkMonthIsReported(companies: Companies, baseUrl: string, month: string): Promise<string> {
  const other = month === '9999-12' ? shiftMonth(month, -1) : shiftMonth(month, 1);
  const probe = (filter: Filter) => companies.search({ pageNumber: 1, pageSize: 1, filter });
  const [alone, conflicting] = await Promise.allSettled([probe(monthFilter(month)), probe(monthFilter(month, other))]);
  if (alone.status === 'rejected') {
    if (alone.reason instanceof ValidationError) throw unsupported(baseUrl, month, 'refuses', alone.reason);
    throw alone.reason;
  }
  if (conflicting.status === 'fulfilled') throw unsupported(baseUrl, month, 'ignores');
  if (!(conflicting.reason instanceof ValidationError)) throw conflicting.reason;
  return `a second month (${other}) in the same filter was refused: the server reads MonthlyActiveUser`;
}

interface Tally<K> {
  key: K;
  companies: number;
  total: number;
}

function add<K>(tallies: Map<string, Tally<K>>, id: string, key: K, count: number): void {
  const tally = tallies.get(id);
  if (tally === undefined) tallies.set(id, { key, companies: 1, total: count });
  else {
    tally.companies++;
    tally.total += count;
  }
}

/** Names in order, nulls (no reseller, no licence type) last. */
function byName(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : 1;
}

function countOf(company: SearchCompanyDto): number {
  if (!Number.isSafeInteger(company.monthlyActiveUserCount) || company.monthlyActiveUserCount < 0) {
    throw new ServerError(
      `company ${company.companyResourceId} reports ${company.monthlyActiveUserCount} monthly active users`,
    );
  }
  return company.monthlyActiveUserCount;
}

export async function readMonthlyUsage(transport: ApiTransport, options: MonthlyUsageOptions): Promise<MonthlyUsage> {
  const month = checkUsageMonth(options.month);
  const companyId = options.companyId ?? transport.companyId;
  const companies = createCompanies({ ...transport, companyId });
  const monthCheck = await checkMonthIsReported(companies, transport.baseUrl, month);
  const resellers = new Map<string, Tally<string | null>>();
  const licenceTypes = new Map<string, Tally<{ id: string | null; name: string | null }>>();
  let total = 0;
  let count = 0;
  for await (const company of companies.iterate({ pageSize: MAX_PAGE_SIZE, filter: monthFilter(month) })) {
    const users = countOf(company);
    total += users;
    count++;
    add(resellers, JSON.stringify(company.resellerName), company.resellerName, users);
    const licenceType = { id: company.licenseTypeResourceId, name: company.licenseTypeName };
    add(licenceTypes, JSON.stringify(licenceType), licenceType, users);
  }
  return {
    month,
    total,
    companies: count,
    byReseller: [...resellers.values()]
      .sort((a, b) => byName(a.key, b.key))
      .map((tally) => ({ resellerName: tally.key, companies: tally.companies, total: tally.total })),
    byLicenceType: [...licenceTypes.values()]
      .sort((a, b) => byName(a.key.name, b.key.name) || byName(a.key.id, b.key.id))
      .map((tally) => ({
        licenseTypeResourceId: tally.key.id,
        licenseTypeName: tally.key.name,
        companies: tally.companies,
        total: tally.total,
      })),
    server: { baseUrl: transport.baseUrl, monthCheck },
  };
}
