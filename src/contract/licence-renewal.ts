// What renewing a licence sets its renewal date to: a chosen day, a span from the renewal date, or the licence's own
// period (1 Year, 3 Years). A span counts from the current renewal date, or from today when the licence has already
// expired (or has no renewal date), so a renewal never leaves a company expired. The CLI and the dashboard both ask here.
import { addDays, type CalendarDay, parseDay, renewalDayOf } from './calendar-day.js';
import { LICENSE_PERIOD_TYPES, licensePeriodTypeOf } from './licence-reads.js';

/** A term that cannot be used for a company; a usage error for the CLI, a 400 for the dashboard. */
export class RenewalTermError extends Error {
  override name = 'RenewalTermError';
}

/** `--until YYYY-MM-DD`, `--by 1y` (or `90d`), or neither: the licence's own period. */
export type RenewalTerm = { until: CalendarDay } | { byDays: number } | { byPeriod: true };

/** The licence fields a renewal reads (CompanyDto's own names). */
export interface RenewableLicence {
  name: string;
  licenseEndDate: string | null;
  licensePeriodTypeResourceId: string | null;
  licensePeriodTypeName: string | null;
}

/** A year is the vendor's: 365 days, as its 1 Year period is. */
const SPAN_UNIT_DAYS = { d: 1, y: LICENSE_PERIOD_TYPES.oneYear.days } as const;
const SPAN = /^(\d{1,4})([dy])$/;

/** `1y`, `3y`, `90d`: days; undefined when it is not such a span. */
export function parseRenewalSpan(text: string): number | undefined {
  const match = SPAN.exec(text.trim().toLowerCase());
  if (!match) return undefined;
  const days = Number(match[1]) * SPAN_UNIT_DAYS[match[2] as keyof typeof SPAN_UNIT_DAYS];
  return days > 0 ? days : undefined;
}

/** The term the CLI's flags or the dashboard's request name; both given, or either malformed, is refused. */
export function renewalTermOf(choice: { until?: string | undefined; by?: string | undefined }): RenewalTerm {
  if (choice.until !== undefined && choice.by !== undefined) {
    throw new RenewalTermError('give either a renewal date (until) or a span (by), not both');
  }
  if (choice.until !== undefined) {
    const until = parseDay(choice.until);
    if (until === undefined) throw new RenewalTermError(`until must be a day YYYY-MM-DD (got "${choice.until}")`);
    return { until };
  }
  if (choice.by !== undefined) {
    const byDays = parseRenewalSpan(choice.by);
    if (byDays === undefined) {
      throw new RenewalTermError(`by must be a span such as 1y, 3y or 90d (got "${choice.by}")`);
    }
    return { byDays };
  }
  return { byPeriod: true };
}

/** The day a span counts from: the renewal day, or today when that is already past (or there is none). */
export function renewalBaseDay(licenseEndDate: string | null, today: CalendarDay): CalendarDay {
  const renewalDay = renewalDayOf(licenseEndDate);
  return renewalDay !== null && renewalDay >= today ? renewalDay : today;
}

function termDays(licence: RenewableLicence, term: RenewalTerm): number {
  if ('byDays' in term) return term.byDays;
  const period = licensePeriodTypeOf(licence.licensePeriodTypeResourceId, licence.licensePeriodTypeName);
  if (period?.days == null) {
    const what = period === undefined ? 'no licence period' : `the licence period ${period.name}`;
    throw new RenewalTermError(
      `${licence.name} has ${what}, which sets no renewal: give a date (until) or a span (by)`,
    );
  }
  return period.days;
}

/** The new renewal day of `licence` on `today`; a chosen day before today is refused (it would stay expired). */
export function renewedDay(licence: RenewableLicence, term: RenewalTerm, today: CalendarDay): CalendarDay {
  if ('until' in term) {
    if (term.until < today) {
      throw new RenewalTermError(
        `the renewal date ${term.until} is before today (${today}): the licence would stay expired`,
      );
    }
    return term.until;
  }
  return addDays(renewalBaseDay(licence.licenseEndDate, today), termDays(licence, term));
}
