// The dashboard's data: the listings the SDK engine finds (expired, renewing, over the limit), kept in the
// `lapse ui` process; one view's filtered and ordered rows (what a page shows and a download writes); and the key
// figures and monthly chart drawn from the same listings.

import type { LapseClient, Listing } from '../client/index.js';
import {
  AGEING_BUCKETS,
  type AgeingCount,
  type ApiHealth,
  addDays,
  type CalendarDay,
  type CompanyDetail,
  type CompanyRow,
  type DashboardRollUp,
  type DashboardSummary,
  DEFAULT_LIFECYCLE_POLICY,
  daysBetween,
  type LifecyclePolicy,
  type ListingInfo,
  lastDayOfMonth,
  licenceLimitOf,
  lifecycleOn,
  type MonthBar,
  monthOf,
  monthsFrom,
  OLDER_MONTHS,
  type RowLifecycle,
  renewalDayOf,
  resolveAsOf,
  shiftMonth,
  usersOverLimit,
  type ViewQuery,
} from '../contract/index.js';
import { type BoundedMap, createBoundedMap } from '../server/cache/index.js';
import { createApiHealthCheck } from './api-health.js';
import { createCompanyDetails } from './company-detail.js';
import {
  type IndexedCompany,
  indexCompany,
  matchesFilter,
  type RowFilter,
  type RowOrder,
  type StateOf,
  sortCompanies,
} from './company-order.js';
import type { AcknowledgementMarks } from './history-access.js';
import { createListingCache } from './listing-cache.js';
import { type RollUpQuery, rollUpOf } from './portfolio-roll-up.js';
import { bucketRange, isInRange, monthRange, type RenewalRange, rangesOf } from './renewal-range.js';

export interface DayChoice {
  asOf: CalendarDay;
  timeZone: string;
}

interface FetchedListing {
  listing: Listing;
  companies: IndexedCompany[];
  fetchedAt: string;
  /** Filtered and ordered rows already worked out, by filter and order (see orderingsKept). */
  ordered: BoundedMap<IndexedCompany[]>;
}

export interface ViewRows {
  info: ListingInfo;
  /** Every row of the view, before the text and reseller filters. */
  viewRows: IndexedCompany[];
  /** The rows under the filter, in the requested order: all pages. */
  rows: IndexedCompany[];
  /** Rows of the view with the chosen reseller, before the other filters (what the key figures count). */
  resellerTotal: number;
  policy: LifecyclePolicy;
  acknowledgements: AcknowledgementMarks;
}

export interface Portfolio {
  /** The day D a query names: its as-of day, or today in its time zone by the process's clock. */
  resolveDay(choice: { timeZone: string; asOf: string }): DayChoice;
  viewRows(query: ViewQuery): Promise<ViewRows>;
  summarise(day: DayChoice, reseller: string): Promise<DashboardSummary>;
  /** One company for the detail drawer, with its lifecycle on the day chosen. */
  detail(resourceId: string, day: DayChoice): Promise<CompanyDetail>;
  /** Totals per group of what needs attention on the day: expired, renewing, over the limit. */
  rollUp(query: RollUpQuery): Promise<DashboardRollUp>;
  readonly policy: LifecyclePolicy;
  /** Whether the API answers now (the listings kept are stale when it does not). */
  checkApi(): Promise<ApiHealth>;
  /** Forget every listing, so the next request asks the API again. */
  refresh(): void;
}

export interface PortfolioOptions {
  client: LapseClient;
  /** Wall clock (epoch ms): decides "today". */
  now: () => number;
  ttlMs?: number;
  /** Judges the lifecycle states (default: DEFAULT_LIFECYCLE_POLICY). */
  policy?: LifecyclePolicy;
  /** The companies acknowledged in the history on a day (default: none). */
  acknowledgementsOn?: (day: CalendarDay) => AcknowledgementMarks;
}

const NO_MARKS: AcknowledgementMarks = { marks: new Map(), problem: null };

const HISTORY_MONTHS = 12;
/**
 * Orderings kept per listing, least recently used dropped first. A value is an array of references to rows the
 * listing already holds (8 bytes each), but the key carries the page's search text, which a caller can make long:
 * bounded in bytes, keys included, as the server's caches are.
 */
const orderingsKept = () =>
  createBoundedMap<IndexedCompany[]>({
    maxEntries: 8,
    maxBytes: 64 * 1024 * 1024,
    maxKeyBytes: 16 * 1024,
    valueBytes: (rows) => 8 * rows.length,
  });

/** The renewing listing the chart needs: renewal days from D to the end of the 11th month after D's month. */
function renewalWindowDays(asOf: CalendarDay): number {
  return daysBetween(asOf, lastDayOfMonth(shiftMonth(monthOf(asOf), HISTORY_MONTHS - 1)));
}

export function lifecycleOf(
  renewalDay: CalendarDay | null,
  licenceType: string | null,
  asOf: CalendarDay,
  policy: LifecyclePolicy,
): RowLifecycle {
  const { state, nextChange, nextState } = lifecycleOn(renewalDay, licenceType, asOf, policy);
  return { state, nextChange, nextState };
}

const stateOn =
  (asOf: CalendarDay, policy: LifecyclePolicy): StateOf =>
  (company) =>
    lifecycleOn(company.renewalDay, company.dto.licenseTypeName, asOf, policy).state;

export function describeCompany(
  company: IndexedCompany,
  asOf: CalendarDay,
  policy: LifecyclePolicy,
  marks: AcknowledgementMarks['marks'],
): CompanyRow {
  const { dto } = company;
  return {
    companyResourceId: dto.companyResourceId,
    companyName: dto.companyName,
    resellerName: dto.resellerName,
    licenseTypeName: dto.licenseTypeName,
    renewalDay: company.renewalDay,
    daysFromAsOf: company.renewalDay === null ? null : daysBetween(asOf, company.renewalDay),
    targetUserCount: dto.targetUserCount,
    licenceLimit: licenceLimitOf(dto),
    overBy: usersOverLimit(dto),
    lifecycle: lifecycleOf(company.renewalDay, dto.licenseTypeName, asOf, policy),
    acknowledgement: marks.get(dto.companyResourceId) ?? null,
  };
}

function infoOf(fetched: FetchedListing, day: DayChoice): ListingInfo {
  const { strategy, warnings } = fetched.listing;
  return { ...day, strategy: { name: strategy.name, reason: strategy.reason }, warnings, fetchedAt: fetched.fetchedAt };
}

function orderedRows(
  fetched: FetchedListing,
  source: IndexedCompany[],
  key: string,
  filter: RowFilter,
  order: RowOrder,
  stateOf: StateOf,
) {
  const { search, reseller, licenceType, state } = filter;
  const memoKey = JSON.stringify([key, search, reseller, licenceType, state, order.sort, order.ascending]);
  const memo = fetched.ordered.get(memoKey);
  if (memo) return memo;
  const rows = sortCompanies(source.filter(matchesFilter(filter, stateOf)), order);
  fetched.ordered.set(memoKey, rows);
  return rows;
}

/** The chart's first month: the lapsed months end with D's own. */
const chartStart = (asOf: CalendarDay) => shiftMonth(monthOf(asOf), 1 - HISTORY_MONTHS);

function countMonths(day: DayChoice, expired: IndexedCompany[], renewing: IndexedCompany[]): MonthBar[] {
  const bars = new Map<string, MonthBar>();
  for (const month of monthsFrom(chartStart(day.asOf), 2 * HISTORY_MONTHS - 1)) {
    bars.set(month, { month, lapsed: 0, upcoming: 0 });
  }
  for (const company of expired) {
    const bar = company.renewalDay === null ? undefined : bars.get(monthOf(company.renewalDay));
    if (bar) bar.lapsed += 1;
  }
  for (const company of renewing) {
    const bar = company.renewalDay === null ? undefined : bars.get(monthOf(company.renewalDay));
    if (bar) bar.upcoming += 1;
  }
  return [...bars.values()];
}

const resellerOnly = (reseller: string): RowFilter => ({ search: '', reseller, licenceType: '', state: '' });

const isInAll = (day: CalendarDay | null, ranges: RenewalRange[]) => ranges.every((range) => isInRange(day, range));

function countAgeing(asOf: CalendarDay, expired: IndexedCompany[], renewing: IndexedCompany[]): AgeingCount[] {
  return AGEING_BUCKETS.map((bucket) => {
    const range = bucketRange(asOf, bucket.id);
    const rows = bucket.view === 'expired' ? expired : renewing;
    return { bucket: bucket.id, count: rows.filter((c) => isInRange(c.renewalDay, range)).length };
  });
}

export function createPortfolio(options: PortfolioOptions): Portfolio {
  const { client } = options;
  const policy = options.policy ?? DEFAULT_LIFECYCLE_POLICY;
  const acknowledgementsOn = options.acknowledgementsOn ?? (() => NO_MARKS);
  const cache = createListingCache<FetchedListing>({ ttlMs: options.ttlMs ?? 5 * 60_000, maxEntries: 8 });
  const details = createCompanyDetails({ client, ttlMs: options.ttlMs });
  const health = createApiHealthCheck({ client, now: options.now });
  const fetchInto = async (load: () => Promise<Listing>): Promise<FetchedListing> => {
    const listing = await load();
    const fetchedAt = new Date(options.now()).toISOString();
    return { listing, companies: listing.companies.map(indexCompany), fetchedAt, ordered: orderingsKept() };
  };
  const dayKey = (day: DayChoice) => `${day.timeZone}|${day.asOf}`;
  const expired = (day: DayChoice) => cache.get(`expired|${dayKey(day)}`, () => fetchInto(() => client.expired(day)));
  const renewing = (day: DayChoice, withinDays: number) =>
    cache.get(`renewing|${dayKey(day)}|${withinDays}`, () => fetchInto(() => client.renewing({ ...day, withinDays })));
  // Whether a licence is over its limit does not depend on the day.
  const overLimit = () => cache.get('over-limit', () => fetchInto(() => client.exceedingLimit()));

  /** Renewing within N days: cut from the chart's window listing when it covers N, so one fetch serves both. */
  async function renewingWithin(day: DayChoice, withinDays: number) {
    const windowDays = renewalWindowDays(day.asOf);
    if (withinDays > windowDays) {
      const fetched = await renewing(day, withinDays);
      return { fetched, viewRows: fetched.companies };
    }
    const fetched = await renewing(day, windowDays);
    const last = addDays(day.asOf, withinDays);
    const viewRows = fetched.companies.filter((c) => c.renewalDay !== null && c.renewalDay <= last);
    return { fetched, viewRows };
  }

  async function loadView(query: ViewQuery, day: DayChoice) {
    if (query.view === 'renewing') return renewingWithin(day, query.withinDays);
    const fetched = await (query.view === 'expired' ? expired(day) : overLimit());
    return { fetched, viewRows: fetched.companies };
  }

  return {
    resolveDay: (choice) => resolveAsOf({ timeZone: choice.timeZone, asOf: choice.asOf || undefined }, options.now),
    async viewRows(query) {
      const day = this.resolveDay(query);
      const { fetched, viewRows } = await loadView(query, day);
      const ranges = rangesOf(query, day.asOf, chartStart(day.asOf));
      const ranged = ranges.length === 0 ? viewRows : viewRows.filter((c) => isInAll(c.renewalDay, ranges));
      const key = `${query.view}|${query.withinDays}|${day.asOf}|${query.month}|${query.age}`;
      const stateOf = stateOn(day.asOf, policy);
      // The listing is already in its own order (the CLI's): filtering keeps it.
      const rows = query.isListingOrder
        ? ranged.filter(matchesFilter(query, stateOf))
        : orderedRows(fetched, ranged, key, query, query, stateOf);
      const resellerTotal =
        query.reseller === ''
          ? viewRows.length
          : viewRows.filter(matchesFilter(resellerOnly(query.reseller), stateOf)).length;
      const acknowledgements = acknowledgementsOn(day.asOf);
      return { info: infoOf(fetched, day), viewRows, rows, resellerTotal, policy, acknowledgements };
    },
    async summarise(day, reseller) {
      const [lapsed, coming, over] = await Promise.all([
        expired(day),
        renewing(day, renewalWindowDays(day.asOf)),
        overLimit(),
      ]);
      const keep = matchesFilter(resellerOnly(reseller), stateOn(day.asOf, policy));
      const expiredRows = lapsed.companies.filter(keep);
      const renewingRows = coming.companies.filter(keep);
      const since30 = addDays(day.asOf, -30);
      const countRenewingBy = (last: CalendarDay) =>
        renewingRows.filter((c) => c.renewalDay !== null && c.renewalDay <= last).length;
      const olderRange = monthRange(OLDER_MONTHS, chartStart(day.asOf));
      return {
        ...infoOf(lapsed, day),
        today: resolveAsOf({ timeZone: day.timeZone }, options.now).asOf,
        expiredNow: expiredRows.length,
        expiredLast30Days: expiredRows.filter((c) => c.renewalDay !== null && c.renewalDay >= since30).length,
        renewingNext30Days: countRenewingBy(addDays(day.asOf, 30)),
        renewingNext90Days: countRenewingBy(addDays(day.asOf, 90)),
        targetUsersAffected: expiredRows.reduce((sum, c) => sum + c.dto.targetUserCount, 0),
        overLimit: over.companies.filter(keep).length,
        months: countMonths(day, expiredRows, renewingRows),
        olderLapsed: expiredRows.filter((c) => isInRange(c.renewalDay, olderRange)).length,
        ageing: countAgeing(day.asOf, expiredRows, renewingRows),
      };
    },
    async detail(resourceId, day) {
      const found = await details.detail(resourceId);
      const { licenseEndDate, licenseTypeName } = found.company;
      const lifecycle = lifecycleOf(renewalDayOf(licenseEndDate), licenseTypeName, day.asOf, policy);
      const acknowledgement = acknowledgementsOn(day.asOf).marks.get(resourceId) ?? null;
      return { ...found, asOf: day.asOf, lifecycle, acknowledgement };
    },
    async rollUp(query) {
      const day = this.resolveDay(query);
      const [lapsed, coming, over] = await Promise.all([
        expired(day),
        renewingWithin(day, query.withinDays),
        overLimit(),
      ]);
      return {
        ...infoOf(lapsed, day),
        ...rollUpOf(query, day.asOf, policy, [lapsed.companies, coming.viewRows, over.companies]),
      };
    },
    policy,
    checkApi: () => health.check(),
    refresh: () => {
      cache.clear();
      details.refresh();
    },
  };
}
