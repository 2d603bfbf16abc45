// What a listing looks for, in the three forms the strategies need: a server-side refinement of the search
// body, a check of each row on the client, and (for renewal dates) a window an ordered scan can stop after.
import {
  addDays,
  type CalendarDay,
  type Filter,
  isExpiredOn,
  renewalDayOf,
  type SearchBody,
  type SearchCompanyDto,
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
  /** Sorts a listing (in place) in the order it is reported in. */
  sort(companies: SearchCompanyDto[]): SearchCompanyDto[];
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

const sortByName = (companies: SearchCompanyDto[]) => companies.sort(byName);

/** By renewal day (open-ended last), then name. Each day is worked out once per company, not per comparison. */
function sortByRenewalDate(companies: SearchCompanyDto[]): SearchCompanyDto[] {
  const keyed = companies.map((company) => ({ day: renewalDayOf(company.licenseEndDate) ?? '9999-12-31', company }));
  keyed.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : byName(a.company, b.company)));
  for (let index = 0; index < keyed.length; index++)
    companies[index] = (keyed[index] as (typeof keyed)[number]).company;
  return companies;
}

function renewalWindowCriterion(window: RenewalWindow, description: string): Criterion {
  return {
    description,
    matches: (company) => isInWindow(renewalDayOf(company.licenseEndDate), window),
    refine: (body) => ({ ...body, filter: dateFilter(window) }),
    window,
    sort: sortByRenewalDate,
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
    matches: (company) => company.isNumberOfUsersLimited && company.targetUserCount > Number(company.numberOfUsers),
    refine: (body) => ({ ...body, isTargetUserCountExceededLimit: true }),
    sort: sortByName,
  };
}
