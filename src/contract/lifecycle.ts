// lapse's own lifecycle of a licence, from its renewal day and a policy of lead times and grace: what a renewal
// campaign acts on. It is not the vendor's `licenceExpired` (that is "renewal day before today" and nothing more).
import { addDays, type CalendarDay, daysBetween } from './calendar-day.js';
import { isExpiredOn } from './licence-rules.js';

export const LIFECYCLE_STATES = ['active', 'renewing', 'in-grace', 'lapsed', 'open-ended'] as const;
export type LifecycleState = (typeof LIFECYCLE_STATES)[number];

export interface LicenceTypePolicy {
  graceDays?: number;
  leadDays?: readonly number[];
}

export interface LifecyclePolicy {
  /** Days after the renewal day a licence is still in grace before it counts as lapsed. */
  graceDays: number;
  /** Days before the renewal day each notice window opens; the widest one starts `renewing`. */
  leadDays: readonly number[];
  /** Overrides by licence type name (exact). */
  licenceTypes: Readonly<Record<string, LicenceTypePolicy>>;
}

export const DEFAULT_LIFECYCLE_POLICY: LifecyclePolicy = Object.freeze({
  graceDays: 14,
  leadDays: Object.freeze([30, 7, 0]),
  licenceTypes: Object.freeze({}),
});

export interface Lifecycle {
  state: LifecycleState;
  /** The first day on which the state is another one; null when it never changes by time alone. */
  nextChange: CalendarDay | null;
  /** The state from `nextChange` on. */
  nextState: LifecycleState | null;
  /** While renewing: the narrowest lead window the day is inside (e.g. 7 for "within 7 days"). */
  leadWindow: number | null;
}

/** A policy file that cannot be used: a usage error for the CLI. */
export class PolicyError extends Error {
  override name = 'PolicyError';
}

/** Lead days and grace are bounded so that day arithmetic stays inside the years a date can name. */
export const MAX_POLICY_DAYS = 3660;
const POLICY_KEYS = ['graceDays', 'leadDays', 'licenceTypes'] as const;
const TYPE_KEYS = ['graceDays', 'leadDays'] as const;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkKeys(value: Record<string, unknown>, known: readonly string[], path: string): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw new PolicyError(`${path}: unknown key "${key}" (known: ${known.join(', ')})`);
    }
  }
}

function checkDays(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_POLICY_DAYS) {
    throw new PolicyError(`${path} must be a whole number of days from 0 to ${MAX_POLICY_DAYS}`);
  }
  return value;
}

function checkLeadDays(value: unknown, path: string): number[] {
  if (!Array.isArray(value)) throw new PolicyError(`${path} must be an array of whole numbers of days`);
  const days = value.map((entry, index) => checkDays(entry, `${path}[${index}]`));
  return [...new Set(days)].sort((a, b) => b - a);
}

function parseTypePolicy(value: unknown, path: string): LicenceTypePolicy {
  if (!isPlainObject(value)) throw new PolicyError(`${path} must be an object`);
  checkKeys(value, TYPE_KEYS, path);
  return {
    ...(value.graceDays === undefined ? {} : { graceDays: checkDays(value.graceDays, `${path}.graceDays`) }),
    ...(value.leadDays === undefined ? {} : { leadDays: checkLeadDays(value.leadDays, `${path}.leadDays`) }),
  };
}

/** A policy document (parsed JSON); keys left out take the defaults; `source` names it in messages. */
export function parseLifecyclePolicy(value: unknown, source = 'policy'): LifecyclePolicy {
  if (!isPlainObject(value)) throw new PolicyError(`${source} must be a JSON object`);
  checkKeys(value, POLICY_KEYS, source);
  const licenceTypes: Record<string, LicenceTypePolicy> = {};
  if (value.licenceTypes !== undefined) {
    if (!isPlainObject(value.licenceTypes)) throw new PolicyError(`${source}.licenceTypes must be an object`);
    for (const [name, entry] of Object.entries(value.licenceTypes)) {
      // An own data property, so "__proto__" is a licence type like any other.
      Object.defineProperty(licenceTypes, name, {
        value: parseTypePolicy(entry, `${source}.licenceTypes.${name}`),
        enumerable: true,
      });
    }
  }
  return {
    graceDays:
      value.graceDays === undefined
        ? DEFAULT_LIFECYCLE_POLICY.graceDays
        : checkDays(value.graceDays, `${source}.graceDays`),
    leadDays:
      value.leadDays === undefined
        ? DEFAULT_LIFECYCLE_POLICY.leadDays
        : checkLeadDays(value.leadDays, `${source}.leadDays`),
    licenceTypes,
  };
}

function effectivePolicy(policy: LifecyclePolicy, licenceType: string | null) {
  const override =
    licenceType !== null && Object.hasOwn(policy.licenceTypes, licenceType)
      ? policy.licenceTypes[licenceType]
      : undefined;
  return {
    graceDays: override?.graceDays ?? policy.graceDays,
    leadDays: override?.leadDays ?? policy.leadDays,
  };
}

/**
 * The state on day `asOf` of a licence renewing on `renewalDay` (null: open-ended): `active` until the widest
 * lead window opens, `renewing` from then through the renewal day, `in-grace` for `graceDays` days after it
 * (expired, contract §4), then `lapsed`.
 */
export function lifecycleOn(
  renewalDay: CalendarDay | null,
  licenceType: string | null,
  asOf: CalendarDay,
  policy: LifecyclePolicy = DEFAULT_LIFECYCLE_POLICY,
): Lifecycle {
  if (renewalDay === null) return { state: 'open-ended', nextChange: null, nextState: null, leadWindow: null };
  const { graceDays, leadDays } = effectivePolicy(policy, licenceType);
  const afterRenewal: LifecycleState = graceDays > 0 ? 'in-grace' : 'lapsed';
  if (isExpiredOn(renewalDay, asOf)) {
    const lapsesOn = addDays(renewalDay, graceDays + 1);
    return asOf < lapsesOn
      ? { state: 'in-grace', nextChange: lapsesOn, nextState: 'lapsed', leadWindow: null }
      : { state: 'lapsed', nextChange: null, nextState: null, leadWindow: null };
  }
  const daysLeft = daysBetween(asOf, renewalDay);
  const widest = leadDays.length === 0 ? -1 : Math.max(...leadDays);
  if (daysLeft <= widest) {
    const leadWindow = Math.min(...leadDays.filter((days) => days >= daysLeft));
    return { state: 'renewing', nextChange: addDays(renewalDay, 1), nextState: afterRenewal, leadWindow };
  }
  return widest < 0
    ? { state: 'active', nextChange: addDays(renewalDay, 1), nextState: afterRenewal, leadWindow: null }
    : { state: 'active', nextChange: addDays(renewalDay, -widest), nextState: 'renewing', leadWindow: null };
}
