// What a listing looks for, in the three forms the strategies need: a server-side refinement of the search
// body, a check of each row on the client, and (for renewal dates) a window an ordered scan can stop after.
import {
  addDays,
  type CalendarDay,
  dayStartUtc,
  type Filter,
  isExpiredOn,
  parseInstant,
  renewalDayOf,
  type SearchBody,
  type SearchCompanyDto,
  usersOverLimit,
} from '../../contract/index.js';

/** Renewal days from `from` (inclusive) up to `before` (exclusive); either end may be open. */
export interface RenewalWindow {
  from?: CalendarDay;
  before?: CalendarDay;
}

export interface Criterion {
  /** For reasons and messages: "renewal day before 2026-03-01". */
  description: string;
  matches(company: SearchCompanyDto): boolean;
  /** The search body asking the server to do the filtering. */
  refine(body: SearchBody): SearchBody;
  /** Present when matching rows are a range of renewal days, so an ordered scan can find them. */
  window?: RenewalWindow;
  /** Starts putting a listing in the order it is reported in. */
  order(): ListingOrder;
}

/** A listing's rows in their reported order, given a page at a time. */
export interface ListingOrder {
  add(page: readonly SearchCompanyDto[]): void;
  /** Every row added, in order. */
  sorted(): SearchCompanyDto[];
}

function dateFilter(window: RenewalWindow): Filter {
  // contract §4: a date-only Value compares by calendar day; "between" is two items in an AND group.
  const items = [
    ...(window.from === undefined ? [] : [{ FieldName: 'LicenseEndDate', Operator: '>=', Value: window.from }]),
    ...(window.before === undefined ? [] : [{ FieldName: 'LicenseEndDate', Operator: '<', Value: window.before }]),
  ];
  return { Condition: 'AND', FilterGroups: [{ Condition: 'AND', FilterItems: items }] };
}

function isInWindow(day: CalendarDay | null, window: RenewalWindow): boolean {
  if (day === null) return false; // contract §4: an open-ended licence matches no date comparison
  return (window.from === undefined || day >= window.from) && (window.before === undefined || day < window.before);
}

// One collator for every comparison: what String#localeCompare does, without setting one up per call.
const { compare: collate } = new Intl.Collator();

const byName = (a: SearchCompanyDto, b: SearchCompanyDto) =>
  collate(a.companyName, b.companyName) || collate(a.companyResourceId, b.companyResourceId);

interface Keyed {
  /** What the order compares first, worked out once per company rather than in every comparison. */
  key: string;
  company: SearchCompanyDto;
}

type Compare = (a: Keyed, b: Keyed) => number;

/** The first index in `run` (in order) whose entry `isAfter` holds, and so every later one; `run.length` if none. */
function firstAfter(run: Keyed[], isAfter: (entry: Keyed) => boolean): number {
  let [low, high] = [0, run.length];
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (isAfter(run[middle] as Keyed)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * Two runs, each in order, as one. Only where they overlap are entries compared one by one; the parts before and
 * after are found by binary search, so runs that meet at a page boundary (pages read in this order) cost a few
 * comparisons. Ties go to `first`: the merge keeps the order rows arrived in, as a stable sort does.
 */
function mergeRuns(first: Keyed[], second: Keyed[], compare: Compare): Keyed[] {
  if (first.length === 0 || second.length === 0) return first.length === 0 ? second : first;
  const secondStart = second[0] as Keyed;
  const firstEnd = first[first.length - 1] as Keyed;
  let a = firstAfter(first, (entry) => compare(entry, secondStart) > 0);
  const overlapEnd = firstAfter(second, (entry) => compare(entry, firstEnd) >= 0);
  const merged = first.slice(0, a);
  let b = 0;
  while (a < first.length && b < overlapEnd) {
    merged.push(compare(second[b] as Keyed, first[a] as Keyed) < 0 ? (second[b++] as Keyed) : (first[a++] as Keyed));
  }
  for (; a < first.length; a++) merged.push(first[a] as Keyed);
  for (; b < second.length; b++) merged.push(second[b] as Keyed);
  return merged;
}

/** Runs each in order as one, merged in pairs (so runs in any order cost n·log(runs) comparisons at most). */
function mergeAll(runs: Keyed[][], compare: Compare): Keyed[] {
  let level = runs;
  while (level.length > 1) {
    const next: Keyed[][] = [];
    for (let index = 0; index < level.length; index += 2) {
      const pair = level[index + 1];
      next.push(pair ? mergeRuns(level[index] as Keyed[], pair, compare) : (level[index] as Keyed[]));
    }
    level = next;
  }
  return level[0] ?? [];
}

/**
 * An order over a key per company (equal keys: by name). Each page is sorted as it arrives, while the next pages
 * are on their way, and the sorted pages are merged at the end: pages read in this order (renewal date) meet
 * with a comparison or two each, so the work left after the last page is little more than copying.
 */
function keyedOrder(keyOf: (company: SearchCompanyDto) => string, isDescending = false): () => ListingOrder {
  const [before, after] = isDescending ? [1, -1] : [-1, 1];
  const compare: Compare = (a, b) => (a.key < b.key ? before : a.key > b.key ? after : byName(a.company, b.company));
  return () => {
    const runs: Keyed[][] = [];
    return {
      add(page) {
        runs.push(page.map((company) => ({ key: keyOf(company), company })).sort(compare));
      },
      sorted: () => mergeAll(runs, compare).map((entry) => entry.company),
    };
  };
}

const byNameOrder = keyedOrder(() => '');
/** By renewal day (open-ended last), then name. */
const byRenewalDateOrder = keyedOrder((company) => renewalDayOf(company.licenseEndDate) ?? '9999-12-31');

function renewalWindowCriterion(window: RenewalWindow, description: string): Criterion {
  return {
    description,
    matches: (company) => isInWindow(renewalDayOf(company.licenseEndDate), window),
    refine: (body) => ({ ...body, filter: dateFilter(window) }),
    window,
    order: byRenewalDateOrder,
  };
}

/** When the company was created, as epoch ms; NaN when the server sent no readable instant. */
function createdAtOf(company: SearchCompanyDto): number {
  return parseInstant(company.createTime) ?? Date.parse(company.createTime);
}

/** Newest first (the creation instant, zero-padded so text order is time order), then name. */
const newestFirstOrder = keyedOrder((company) => {
  const ms = createdAtOf(company);
  return Number.isNaN(ms) ? '' : String(ms + 8.64e15).padStart(17, '0');
}, true);

/**
 * Created within N days of D: created on a UTC day from D−N through D, both included, like a renewal window;
 * listed newest first. The server is asked for the range in CreateTime order, newest first.
 */
export function createdWithin(day: CalendarDay, withinDays: number): Criterion {
  const from = addDays(day, -withinDays);
  const before = addDays(day, 1);
  const items = [
    { FieldName: 'CreateTime', Operator: '>=', Value: from },
    { FieldName: 'CreateTime', Operator: '<', Value: before },
  ];
  return {
    description: `created from ${from} through ${day}`,
    matches: (company) => {
      const ms = createdAtOf(company);
      return !Number.isNaN(ms) && ms >= dayStartUtc(from) && ms < dayStartUtc(before);
    },
    refine: (body) => ({
      ...body,
      orderBy: 'CreateTime',
      ascending: false,
      filter: { Condition: 'AND', FilterGroups: [{ Condition: 'AND', FilterItems: items }] },
    }),
    order: newestFirstOrder,
  };
}

/** contract §4: expired on day D = renewal day before D (a renewal day equal to D is not yet expired). */
export function expiredOn(day: CalendarDay): Criterion {
  const criterion = renewalWindowCriterion({ before: day }, `renewal day before ${day}`);
  return { ...criterion, matches: (company) => isExpiredOn(renewalDayOf(company.licenseEndDate), day) };
}

/**
 * Renewing within N days of D = renewal day in [D, D+N], both ends included: `--within 30d` on 1 March keeps
 * renewals from 1 March through 31 March, and `--within 0d` keeps today's renewals.
 */
export function renewingWithin(day: CalendarDay, withinDays: number): Criterion {
  const last = addDays(day, withinDays);
  return renewalWindowCriterion({ from: day, before: addDays(last, 1) }, `renewal day from ${day} through ${last}`);
}

/** contract §4: isTargetUserCountExceededLimit keeps limited licences with more target users than the limit. */
export function exceedingLimit(): Criterion {
  return {
    description: 'target users over the licence limit',
    matches: (company) => usersOverLimit(company) !== null,
    refine: (body) => ({ ...body, isTargetUserCountExceededLimit: true }),
    order: byNameOrder,
  };
}
