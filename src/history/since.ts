// `--since`: `last` (the newest snapshot before this run), `7d` (the newest on or before the day 7 days before
// the as-of day) or a `YYYY-MM-DD` day (the newest on or before it).
import { addDays, type CalendarDay, parseDay } from '../contract/index.js';
import { HistoryError } from './history-error.js';

export type SinceChoice = { kind: 'last' } | { kind: 'daysBack'; days: number } | { kind: 'day'; day: CalendarDay };

const DAYS_BACK = /^(\d{1,5})d$/;

export function parseSince(text: string): SinceChoice {
  if (text === 'last') return { kind: 'last' };
  const back = DAYS_BACK.exec(text);
  if (back) return { kind: 'daysBack', days: Number(back[1]) };
  const day = parseDay(text);
  if (day !== undefined) return { kind: 'day', day };
  throw new HistoryError(`--since must be "last", a number of days such as 7d, or a YYYY-MM-DD day (got "${text}")`);
}

/** The day whose newest snapshot `since` names; undefined for the newest of all. */
export function sinceDay(since: SinceChoice, asOf: CalendarDay): CalendarDay | undefined {
  return since.kind === 'last' ? undefined : since.kind === 'day' ? since.day : addDays(asOf, -since.days);
}
