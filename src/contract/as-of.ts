// The day D a command or the dashboard works on: the as-of day if one is named, else today in the time zone
// (UTC unless one is named) by the clock the edge passes in.
import { type CalendarDay, dayOf, isValidTimeZone, parseDay } from './calendar-day.js';

export interface AsOfChoice {
  /** `YYYY-MM-DD`; today when absent. */
  asOf?: string | undefined;
  /** An IANA zone; UTC when absent. */
  timeZone?: string | undefined;
}

export interface AsOf {
  asOf: CalendarDay;
  timeZone: string;
}

/** A day or zone that cannot be used; a usage error for the CLI, a 400 for the dashboard. */
export class AsOfError extends Error {
  override name = 'AsOfError';
}

export function resolveAsOf(choice: AsOfChoice, now: () => number): AsOf {
  const timeZone = choice.timeZone ?? 'UTC';
  if (!isValidTimeZone(timeZone)) throw new AsOfError(`unknown time zone "${timeZone}" (use an IANA name)`);
  if (choice.asOf === undefined) return { asOf: dayOf(now(), timeZone), timeZone };
  const asOf = parseDay(choice.asOf);
  if (asOf === undefined) throw new AsOfError(`"${choice.asOf}" is not a YYYY-MM-DD day`);
  return { asOf, timeZone };
}
