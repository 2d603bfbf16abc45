// What changed between two listings of a scope, each read on its own as-of day: the rules of contract §4
// (expired on D, over the limit) applied to both sides, and the differences a renewal campaign acts on.
import {
  addDays,
  type CalendarDay,
  daysBetween,
  isExpiredOn,
  type LifecyclePolicy,
  lifecycleOn,
} from '../contract/index.js';
import { type CompanyFacts, isFactOverLimit } from './company-facts.js';

export const CHANGE_KINDS = [
  'newly-expired',
  'renewed',
  'newly-renewing',
  'entered-lead-window',
  'newly-over-limit',
  'back-under-limit',
  'licence-type-changed',
  'added',
  'removed',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface CompanyChange {
  kind: ChangeKind;
  companyResourceId: string;
  companyName: string;
  resellerName: string | null;
  before: CompanyFacts | null;
  after: CompanyFacts | null;
  /** renewed: how many days later the renewal day now is; null when the licence became open-ended. */
  renewedByDays: number | null;
  /** entered-lead-window: the policy's lead window (days before the renewal day) the company is now inside. */
  leadWindow: number | null;
}

export interface ListedSide {
  asOf: CalendarDay;
  companies: ReadonlyMap<string, CompanyFacts>;
}

export interface CompareOptions {
  /** The renewal window: renewal day from D through D + withinDays (the renewals listing's rule). */
  withinDays: number;
  /**
   * With a policy, a company that moved into a narrower lead window than it was in (or into its first) shows
   * `entered-lead-window` once, with the window: one notice per window, however often the two sides are read.
   */
  policy?: LifecyclePolicy | undefined;
}

/** A side's day and the last day of its renewal window, worked out once per comparison. */
interface SideDays {
  asOf: CalendarDay;
  windowEnd: CalendarDay;
}

function isRenewingWithin(facts: CompanyFacts, side: SideDays): boolean {
  return facts.renewalDay !== null && facts.renewalDay >= side.asOf && facts.renewalDay <= side.windowEnd;
}

function isRenewed(before: CompanyFacts, after: CompanyFacts): boolean {
  return before.renewalDay !== null && (after.renewalDay === null || after.renewalDay > before.renewalDay);
}

/** The lead window a company is inside on a side's day; Infinity outside every window. */
function leadWindowOf(facts: CompanyFacts, asOf: CalendarDay, policy: LifecyclePolicy): number {
  return lifecycleOn(facts.renewalDay, facts.licenceType, asOf, policy).leadWindow ?? Number.POSITIVE_INFINITY;
}

/**
 * The window entered: a narrower one than the company was in before, for the same renewal day or a nearer one.
 * A renewal that moved the day later starts its windows afresh.
 */
function enteredLeadWindow(
  before: CompanyFacts,
  after: CompanyFacts,
  sides: { before: SideDays; after: SideDays },
  policy: LifecyclePolicy,
): number | null {
  const now = leadWindowOf(after, sides.after.asOf, policy);
  if (now === Number.POSITIVE_INFINITY) return null;
  const then = isRenewed(before, after) ? Number.POSITIVE_INFINITY : leadWindowOf(before, sides.before.asOf, policy);
  return now < then ? now : null;
}

/** The kinds of change one company shows, in CHANGE_KINDS order, and the lead window it entered. */
function kindsOf(
  before: CompanyFacts,
  after: CompanyFacts,
  sides: { before: SideDays; after: SideDays },
  policy: LifecyclePolicy | undefined,
): { kinds: ChangeKind[]; leadWindow: number | null } {
  const kinds: ChangeKind[] = [];
  if (isExpiredOn(after.renewalDay, sides.after.asOf) && !isExpiredOn(before.renewalDay, sides.before.asOf)) {
    kinds.push('newly-expired');
  }
  if (isRenewed(before, after)) kinds.push('renewed');
  if (isRenewingWithin(after, sides.after) && !isRenewingWithin(before, sides.before)) kinds.push('newly-renewing');
  const leadWindow = policy === undefined ? null : enteredLeadWindow(before, after, sides, policy);
  if (leadWindow !== null) kinds.push('entered-lead-window');
  // The history hands back this run's own object for a company whose facts did not change (most of them): only
  // the day can have changed anything.
  if (before === after) return { kinds, leadWindow };
  const [wasOver, isOver] = [isFactOverLimit(before), isFactOverLimit(after)];
  if (isOver && !wasOver) kinds.push('newly-over-limit');
  if (wasOver && !isOver) kinds.push('back-under-limit');
  if (before.licenceType !== after.licenceType) kinds.push('licence-type-changed');
  return { kinds, leadWindow };
}

function changeOf(
  kind: ChangeKind,
  before: CompanyFacts | null,
  after: CompanyFacts | null,
  leadWindow: number | null = null,
): CompanyChange {
  const facts = (after ?? before) as CompanyFacts;
  const renewedByDays =
    kind === 'renewed' && before?.renewalDay && after?.renewalDay
      ? daysBetween(before.renewalDay, after.renewalDay)
      : null;
  return {
    kind,
    companyResourceId: facts.companyResourceId,
    companyName: facts.companyName,
    resellerName: facts.resellerName,
    before,
    after,
    renewedByDays,
    leadWindow: kind === 'entered-lead-window' ? leadWindow : null,
  };
}

const KIND_ORDER = new Map(CHANGE_KINDS.map((kind, index) => [kind, index]));
const byText = (a: string | null, b: string | null) => ((a ?? '') < (b ?? '') ? -1 : (a ?? '') > (b ?? '') ? 1 : 0);

/** The changes in a stable order: by kind, then company name and id; by reseller first when grouping. */
export function sortChanges(changes: CompanyChange[], isGroupedByReseller = false): CompanyChange[] {
  // A year's comparison holds a change for nearly every company: each key is worked out once, not per comparison.
  const keyed = changes.map((change) => ({
    change,
    reseller: isGroupedByReseller ? (change.resellerName ?? '') : '',
    kind: KIND_ORDER.get(change.kind) ?? 0,
    name: change.companyName.toLowerCase(),
  }));
  keyed.sort(
    (a, b) =>
      byText(a.reseller, b.reseller) ||
      a.kind - b.kind ||
      byText(a.name, b.name) ||
      byText(a.change.companyResourceId, b.change.companyResourceId),
  );
  keyed.forEach((entry, index) => {
    changes[index] = entry.change;
  });
  return changes;
}

/** Every change from `before` to `after`; a company may show several (renewed and licence type changed). */
export function compareListings(before: ListedSide, after: ListedSide, options: CompareOptions): CompanyChange[] {
  const changes: CompanyChange[] = [];
  const sideOf = (side: ListedSide) => ({ asOf: side.asOf, windowEnd: addDays(side.asOf, options.withinDays) });
  const days = { before: sideOf(before), after: sideOf(after) };
  for (const [resourceId, now] of after.companies) {
    const then = before.companies.get(resourceId);
    if (then === undefined) {
      changes.push(changeOf('added', null, now));
      continue;
    }
    const { kinds, leadWindow } = kindsOf(then, now, days, options.policy);
    for (const kind of kinds) changes.push(changeOf(kind, then, now, leadWindow));
  }
  for (const [resourceId, then] of before.companies) {
    if (!after.companies.has(resourceId)) changes.push(changeOf('removed', then, null));
  }
  return sortChanges(changes);
}
