// The roll-up table: per reseller, licence type or lifecycle state, the totals `lapse … --group-by` prints
// (counted by the client's own totalsOf), over every company the dashboard's listings hold for the day: expired,
// renewing within the window, over the limit, under the filters chosen but the one of its own grouping. Each row
// names the filter value that lists its companies.
import { type RollUpMember, totalsOf } from '../client/index.js';
import {
  type CalendarDay,
  type DashboardRollUp,
  LIFECYCLE_STATES,
  type LifecyclePolicy,
  lifecycleOn,
  type RollUpKey,
} from '../contract/index.js';
import { type IndexedCompany, matchesFilter, type RowFilter } from './company-order.js';

export interface RollUpQuery extends Omit<RowFilter, 'search'> {
  groupBy: RollUpKey;
  timeZone: string;
  /** Empty: today in the time zone. */
  asOf: string;
  withinDays: number;
}

const NO_GROUP = '(none)';

/** The filter each grouping's rows set when chosen; the roll-up leaves it out, so every group stays listed. */
const GROUP_FILTERS = { reseller: 'reseller', 'licence-type': 'licenceType', state: 'state' } as const;

/** The group a company is counted in, and the filter value that lists that group (null: no filter can). */
function groupOf(
  company: IndexedCompany,
  groupBy: RollUpKey,
  state: () => string,
): { name: string; key: string | null } {
  const value =
    groupBy === 'reseller'
      ? company.dto.resellerName
      : groupBy === 'licence-type'
        ? company.dto.licenseTypeName
        : state();
  return { name: value ?? NO_GROUP, key: value };
}

const STATE_ORDER = new Map<string, number>(LIFECYCLE_STATES.map((state, index) => [state, index]));

export function rollUpOf(
  query: RollUpQuery,
  asOf: CalendarDay,
  policy: LifecyclePolicy,
  listings: readonly (readonly IndexedCompany[])[],
): Pick<DashboardRollUp, 'groupBy' | 'withinDays' | 'groups' | 'total'> {
  const stateOf = (company: IndexedCompany) =>
    lifecycleOn(company.renewalDay, company.dto.licenseTypeName, asOf, policy).state;
  const keep = matchesFilter({ ...query, search: '', [GROUP_FILTERS[query.groupBy]]: '' }, stateOf);
  const union = new Map<string, IndexedCompany>();
  for (const listing of listings) {
    for (const company of listing) if (keep(company)) union.set(company.dto.companyResourceId, company);
  }
  const keys = new Map<string, string | null>();
  const members: RollUpMember[] = [];
  for (const company of union.values()) {
    const { name, key } = groupOf(company, query.groupBy, () => stateOf(company));
    keys.set(name, key);
    members.push({ company: company.dto, name, resourceId: undefined });
  }
  const { groups, total } = totalsOf(members, asOf, query.withinDays);
  if (query.groupBy === 'state') groups.sort((a, b) => (STATE_ORDER.get(a.name) ?? 0) - (STATE_ORDER.get(b.name) ?? 0));
  return {
    groupBy: query.groupBy,
    withinDays: query.withinDays,
    groups: groups.map(({ resourceId: _id, ...group }) => ({ ...group, key: keys.get(group.name) ?? null })),
    total,
  };
}
