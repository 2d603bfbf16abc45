// Filtering and ordering one view's rows in memory, the way the page asks: text search over company and reseller
// names, one reseller, and a total order on any column (ties broken by companyResourceId, as contract §4 does).

import type { LifecycleState, SortKey } from '../contract/index.js';
import { type CalendarDay, licenceLimitOf, renewalDayOf, type SearchCompanyDto } from '../contract/index.js';

/** A listing row with what filtering and ordering read more than once worked out ahead. */
export interface IndexedCompany {
  dto: SearchCompanyDto;
  renewalDay: CalendarDay | null;
  /** Lower-cased company and reseller names, for the text search. */
  searchText: string;
}

export interface RowFilter {
  search: string;
  reseller: string;
  /** Exact licence type name; empty: every type. */
  licenceType: string;
  /** One lifecycle state; empty: every state. */
  state: LifecycleState | '';
}

/** A company's lifecycle state on the view's day (under the policy `lapse ui` runs with). */
export type StateOf = (company: IndexedCompany) => LifecycleState;

export interface RowOrder {
  sort: SortKey;
  ascending: boolean;
}

export function indexCompany(dto: SearchCompanyDto): IndexedCompany {
  return {
    dto,
    renewalDay: renewalDayOf(dto.licenseEndDate),
    searchText: `${dto.companyName}\n${dto.resellerName ?? ''}`.toLowerCase(),
  };
}

export function matchesFilter(filter: RowFilter, stateOf: StateOf): (company: IndexedCompany) => boolean {
  // contract §4 (SearchInputTextValue): a case-insensitive substring of company name or reseller name.
  const needle = filter.search.toLowerCase();
  return (company) =>
    (needle === '' || company.searchText.includes(needle)) &&
    (filter.reseller === '' || company.dto.resellerName === filter.reseller) &&
    (filter.licenceType === '' || company.dto.licenseTypeName === filter.licenceType) &&
    (filter.state === '' || stateOf(company) === filter.state);
}

type SortValue = string | number | null;

const SORT_VALUES: Record<SortKey, (company: IndexedCompany) => SortValue> = {
  companyName: (c) => c.dto.companyName,
  resellerName: (c) => c.dto.resellerName,
  licenseTypeName: (c) => c.dto.licenseTypeName,
  renewalDay: (c) => c.renewalDay,
  targetUserCount: (c) => c.dto.targetUserCount,
  // An unlimited licence has the highest limit of all.
  licenceLimit: (c) => licenceLimitOf(c.dto) ?? Number.POSITIVE_INFINITY,
  overBy: (c) => {
    const limit = licenceLimitOf(c.dto);
    return limit === null ? null : c.dto.targetUserCount - limit;
  },
};

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

function compareValues(a: SortValue, b: SortValue): number {
  // contract §4: nulls first in ascending order (and so last in descending), as the API orders them.
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return collator.compare(String(a), String(b));
}

/** A new array of `companies` in the requested order. */
export function sortCompanies(companies: readonly IndexedCompany[], order: RowOrder): IndexedCompany[] {
  const sortValue = SORT_VALUES[order.sort];
  const direction = order.ascending ? 1 : -1;
  const keyed = companies.map((company) => ({ company, value: sortValue(company) }));
  keyed.sort(
    (a, b) =>
      direction * compareValues(a.value, b.value) ||
      (a.company.dto.companyResourceId < b.company.dto.companyResourceId ? -1 : 1),
  );
  return keyed.map((entry) => entry.company);
}
