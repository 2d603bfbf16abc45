// Totals per group (reseller, licence type or lifecycle state) of a listing: companies, expired, renewing within N
// days, over the limit and the seats those hold. By reseller it first asks the server to group (contract §4
// isClustered) and keeps that answer only when it proves whole; otherwise (and by licence type or state) the
// listing is grouped here.
import {
  addDays,
  type CalendarDay,
  DEFAULT_LIFECYCLE_POLICY,
  isExpiredOn,
  LIFECYCLE_STATES,
  type LifecyclePolicy,
  lifecycleOn,
  renewalDayOf,
  type SearchBody,
  type SearchCompanyDto,
  usersOverLimit,
} from '../contract/index.js';
import { completeSearchBody, type SearchRequest } from './companies.js';
import { ValidationError } from './errors.js';
import { type ScannedPage, type SearchPageFn, scanPages } from './paginate.js';
import {
  assertCheckable,
  type ChosenStrategy,
  type Criterion,
  type LicenceListings,
  type Listing,
  type ListingKind,
  type ListingOptions,
  listingCriterion,
  resolveDay,
} from './strategies/index.js';

export const GROUP_BY = ['reseller', 'licence-type', 'state'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** A listing kind, or the generic search (`lapse companies`) with its request. */
export type RollUpPopulation = { kind: ListingKind } | { kind: 'search'; request: SearchRequest };

export interface RollUpOptions extends ListingOptions {
  groupBy: GroupBy;
  population: RollUpPopulation;
  /** The "renewing" totals count renewal days from D through D + withinDays. */
  withinDays: number;
  /** By state: the lead days and grace that decide each company's lifecycle state (default: the defaults). */
  policy?: LifecyclePolicy;
}

export interface GroupTotals {
  companies: number;
  expired: number;
  renewing: number;
  overLimit: number;
  /** Target users of the companies that are expired, renewing or over the limit (each company once). */
  seatsAffected: number;
}

export interface RollUpGroup extends GroupTotals {
  name: string;
  /** The reseller's or licence type's resource id, when the rows name it. */
  resourceId: string | undefined;
}

export interface RollUp {
  groupBy: GroupBy;
  asOf: CalendarDay;
  timeZone: string;
  withinDays: number;
  /** Who grouped: the server's clustered search, or this client over the listing. */
  grouping: { source: 'clustered' | 'client'; reason: string };
  /** How the listing was found when this client grouped it. */
  strategy: ChosenStrategy | undefined;
  groups: RollUpGroup[];
  total: GroupTotals;
  companies: SearchCompanyDto[];
  warnings: string[];
}

/** Resellers per clustered page: each lists up to 1000 / this many of its companies (docs/decisions.md). */
const CLUSTERED_PAGE_SIZE = 10;
const NO_GROUP = '(none)';

/** A company and the group it is counted in. */
export interface Assigned {
  company: SearchCompanyDto;
  name: string;
  resourceId: string | undefined;
}

const emptyTotals = (): GroupTotals => ({ companies: 0, expired: 0, renewing: 0, overLimit: 0, seatsAffected: 0 });

function addTo(totals: GroupTotals, company: SearchCompanyDto, asOf: CalendarDay, lastRenewing: CalendarDay): void {
  const day = renewalDayOf(company.licenseEndDate);
  const isExpired = isExpiredOn(day, asOf);
  const isRenewing = day !== null && day >= asOf && day <= lastRenewing;
  const isOver = usersOverLimit(company) !== null;
  totals.companies += 1;
  totals.expired += Number(isExpired);
  totals.renewing += Number(isRenewing);
  totals.overLimit += Number(isOver);
  if (isExpired || isRenewing || isOver) totals.seatsAffected += company.targetUserCount;
}

const byName = (a: RollUpGroup, b: RollUpGroup) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const stateRank = (group: RollUpGroup) => LIFECYCLE_STATES.indexOf(group.name as (typeof LIFECYCLE_STATES)[number]);
/** States follow the lifecycle (active, renewing, in-grace, lapsed, open-ended); names their byte order. */
const byLifecycle = (a: RollUpGroup, b: RollUpGroup) => stateRank(a) - stateRank(b);

/** Groups by name (the rows' own words); the total row sums every company once. */
export function totalsOf(
  assigned: readonly Assigned[],
  asOf: CalendarDay,
  withinDays: number,
  order: (a: RollUpGroup, b: RollUpGroup) => number = byName,
): { groups: RollUpGroup[]; total: GroupTotals } {
  const lastRenewing = addDays(asOf, withinDays);
  const groups = new Map<string, RollUpGroup>();
  const total = emptyTotals();
  for (const { company, name, resourceId } of assigned) {
    let group = groups.get(name);
    if (group === undefined) {
      group = { name, resourceId, ...emptyTotals() };
      groups.set(name, group);
    }
    group.resourceId ??= resourceId;
    addTo(group, company, asOf, lastRenewing);
    addTo(total, company, asOf, lastRenewing);
  }
  return { groups: [...groups.values()].sort(order), total };
}

/**
 * The group a company is counted in on day D: its reseller's or licence type's name, as the rows name it, or
 * its lifecycle state under the policy.
 */
export function groupNameOf(
  company: SearchCompanyDto,
  groupBy: GroupBy,
  asOf: CalendarDay,
  policy: LifecyclePolicy = DEFAULT_LIFECYCLE_POLICY,
): string {
  if (groupBy === 'reseller') return company.resellerName ?? NO_GROUP;
  if (groupBy === 'licence-type') return company.licenseTypeName ?? NO_GROUP;
  return lifecycleOn(renewalDayOf(company.licenseEndDate), company.licenseTypeName, asOf, policy).state;
}

function assignOnClient(company: SearchCompanyDto, options: RollUpOptions, asOf: CalendarDay): Assigned {
  const resourceId = options.groupBy === 'licence-type' ? (company.licenseTypeResourceId ?? undefined) : undefined;
  return { company, name: groupNameOf(company, options.groupBy, asOf, options.policy), resourceId };
}

interface Population {
  body: SearchBody;
  matches(company: SearchCompanyDto): boolean;
}

function populationOf(options: RollUpOptions, asOf: CalendarDay): Population {
  const { population, segment } = options;
  if (population.kind === 'search') {
    assertCheckable(segment);
    return { body: completeSearchBody(population.request), matches: (c) => segment?.matches(c) ?? true };
  }
  const criterion: Criterion = listingCriterion(population.kind, asOf, options.withinDays, segment);
  return { body: criterion.refine(completeSearchBody()), matches: criterion.matches };
}

type Clustered = { isWhole: true; assigned: Assigned[] } | { isWhole: false; reason: string };

/**
 * The server's grouping, checked (contract §8 spirit): every row must match, every child must name its group as
 * its reseller, and the rows must add up to the flat search's total (a group cut short, or a server that ignored
 * isClustered, does not).
 */
async function clusteredAssignment(search: SearchPageFn, population: Population): Promise<Clustered> {
  const body: SearchBody = { ...population.body, pageNumber: 1, pageSize: CLUSTERED_PAGE_SIZE, isClustered: true };
  const assigned: Assigned[] = [];
  const seen = new Set<string>();
  let groupCount = 0;
  const take = (company: SearchCompanyDto, name: string, resourceId: string | undefined) => {
    if (seen.has(company.companyResourceId)) return;
    seen.add(company.companyResourceId);
    assigned.push({ company, name, resourceId });
  };
  try {
    for await (const { page } of scanPages(search, body) as AsyncGenerator<ScannedPage>) {
      for (const row of page.results) {
        if (row.children === null || row.children === undefined) {
          if (!population.matches(row)) return { isWhole: false, reason: `${row.companyResourceId} does not match` };
          take(row, row.resellerName ?? NO_GROUP, undefined);
          continue;
        }
        groupCount += 1;
        for (const child of row.children) {
          if (!population.matches(child) || child.resellerName !== row.companyName) {
            return { isWhole: false, reason: `${child.companyResourceId} does not belong in ${row.companyName}` };
          }
          take(child, row.companyName, row.companyResourceId);
        }
      }
    }
    const flat = await search({ ...population.body, pageNumber: 1, pageSize: 1, isClustered: false });
    if (flat.totalNumberOfRecords !== assigned.length) {
      return {
        isWhole: false,
        reason: `its groups held ${assigned.length} of ${flat.totalNumberOfRecords} matching companies`,
      };
    }
    if (groupCount === 0 && assigned.length > 0) return { isWhole: false, reason: 'it sent no groups' };
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    return { isWhole: false, reason: `it was rejected (${error.message})` };
  }
  return { isWhole: true, assigned };
}

async function listOnClient(
  search: SearchPageFn,
  listings: LicenceListings,
  options: RollUpOptions,
  matches: (company: SearchCompanyDto) => boolean,
): Promise<Pick<Listing, 'companies' | 'strategy' | 'warnings'>> {
  const { population } = options;
  if (population.kind !== 'search') {
    if (population.kind === 'expired') return listings.expired(options);
    if (population.kind === 'renewing') return listings.renewing(options);
    return listings.exceedingLimit(options);
  }
  const warnings: string[] = [];
  const companies: SearchCompanyDto[] = [];
  let stray = 0;
  for await (const { page } of scanPages(search, completeSearchBody(population.request), {
    warn: (message) => warnings.push(message),
  })) {
    for (const company of page.results) {
      if (matches(company)) companies.push(company);
      else stray += 1;
    }
  }
  const reason = stray === 0 ? 'every row checked' : `${stray} rows the server sent did not match and were dropped`;
  return { companies, strategy: { name: 'full-scan', reason }, warnings };
}

export function createRollUp(search: SearchPageFn, listings: LicenceListings, now: () => number) {
  return async function rollUp(options: RollUpOptions): Promise<RollUp> {
    const day = resolveDay(options, now);
    const population = populationOf(options, day.asOf);
    const base = { groupBy: options.groupBy, ...day, withinDays: options.withinDays };
    let clusteredReason =
      options.groupBy === 'state' ? "lifecycle states are lapse's own" : 'licence types are grouped here';
    if (options.groupBy === 'reseller') {
      const clustered = await clusteredAssignment(search, population);
      if (clustered.isWhole) {
        const companies = clustered.assigned.map((entry) => entry.company);
        return {
          ...base,
          ...totalsOf(clustered.assigned, day.asOf, options.withinDays),
          grouping: { source: 'clustered', reason: "the server's clustered search, every row checked" },
          strategy: undefined,
          companies,
          warnings: [],
        };
      }
      clusteredReason = `the server's clustered search was not used: ${clustered.reason}`;
    }
    const listing = await listOnClient(search, listings, { ...options, ...day }, population.matches);
    const assigned = listing.companies.map((company) => assignOnClient(company, options, day.asOf));
    return {
      ...base,
      ...totalsOf(assigned, day.asOf, options.withinDays, options.groupBy === 'state' ? byLifecycle : byName),
      grouping: { source: 'client', reason: clusteredReason },
      strategy: listing.strategy,
      companies: listing.companies,
      warnings: listing.warnings,
    };
  };
}
