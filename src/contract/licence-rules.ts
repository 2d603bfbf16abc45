// contract §4: what "expired on D", "over the licence limit" and an unlimited licence mean. Every part that decides
// one of these calls these functions; SQL that decides them is built in server/companies/licence-sql.ts.
import type { CalendarDay } from './calendar-day.js';

/**
 * Expired on day D: the calendar day of the renewal date is before D. `renewalDay` is the UTC calendar day of
 * licenseEndDate; null (open-ended) is never expired.
 */
export function isExpiredOn(renewalDay: CalendarDay | null, day: CalendarDay): boolean {
  return renewalDay !== null && renewalDay < day;
}

/**
 * The same rule on instants: a renewal instant before the UTC midnight that starts D is a renewal day before D
 * (and one at or after it is on D or later).
 */
export function isExpiredAt(renewalAtMs: number | null, dayStartMs: number): boolean {
  return renewalAtMs !== null && renewalAtMs < dayStartMs;
}

export interface LicenceLimit {
  isNumberOfUsersLimited: boolean;
  /** The licence limit: meaningful only when limited. */
  numberOfUsers: number;
  targetUserCount: number;
}

/** Over the licence limit: limited, and more target users than the limit. */
export function isOverLimit(licence: LicenceLimit): boolean {
  return licence.isNumberOfUsersLimited && licence.targetUserCount > licence.numberOfUsers;
}

/**
 * The licence limit as a number, null when not limited (an unlimited licence is never over it). The search DTO
 * carries the limit as text (contract §4), CompanyDto as a number (§6).
 */
export function licenceLimitOf(licence: { isNumberOfUsersLimited: boolean; numberOfUsers: string | number }) {
  return licence.isNumberOfUsersLimited ? Number(licence.numberOfUsers) : null;
}

/** How many target users a limited licence is over its limit by; null when it is not over. */
export function usersOverLimit(licence: {
  isNumberOfUsersLimited: boolean;
  numberOfUsers: string | number;
  targetUserCount: number;
}): number | null {
  const limit = licenceLimitOf(licence);
  return limit === null || licence.targetUserCount <= limit ? null : licence.targetUserCount - limit;
}

/** contract §5: what the export's License Limit column says of a licence that is not limited. */
export const UNLIMITED = 'Unlimited';

/** The License Limit cell: the limit as a number when limited, the text "Unlimited" otherwise. */
export function licenceLimitCell(isNumberOfUsersLimited: boolean, numberOfUsers: number): number | typeof UNLIMITED {
  return isNumberOfUsersLimited ? numberOfUsers : UNLIMITED;
}
