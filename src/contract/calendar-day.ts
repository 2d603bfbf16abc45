// The one module that owns calendar days and time zones (contract §4 "What expired means"). Nothing else
// decides what "today" is: callers pass `now` in, so tests can pin it and clients can use another zone.
import { daysInMonth } from './calendar-month.js';

/** A calendar day as `YYYY-MM-DD`. */
export type CalendarDay = string;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
/** A UTC day's length: calendar-day arithmetic in UTC only (time zones go through Intl). */
export const DAY_MS = 86_400_000;

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The calendar day of an instant in a time zone (default UTC). */
export function dayOf(instant: Date | number, timeZone = 'UTC'): CalendarDay {
  const date = typeof instant === 'number' ? new Date(instant) : instant;
  if (timeZone === 'UTC') return date.toISOString().slice(0, 10);
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(date);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')}`;
}

const utcDays = new Map<number, CalendarDay>();
/** Plenty for real renewal and creation dates (a century is 36,525 days), and a bound for anything else. */
const MAX_CACHED_UTC_DAYS = 100_000;

/** `dayOf(ms)` in UTC for many instants (an export's every row): each day's text is built once. */
export function utcDayOfMs(ms: number): CalendarDay {
  const dayNumber = Math.floor(ms / DAY_MS);
  let day = utcDays.get(dayNumber);
  if (day === undefined) {
    day = dayOf(dayNumber * DAY_MS);
    if (utcDays.size >= MAX_CACHED_UTC_DAYS) utcDays.clear();
    utcDays.set(dayNumber, day);
  }
  return day;
}

/** `dayStartUtc(dayOf(ms))` without building the day's text: the UTC midnight at or before an instant. */
export function utcDayStartOf(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}

/** Parses `YYYY-MM-DD` strictly (real calendar days only); undefined otherwise. */
export function parseDay(text: string): CalendarDay | undefined {
  const match = DAY_PATTERN.exec(text);
  if (!match) return undefined;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text ? undefined : text;
}

/** The instants a date field may hold: the UTC years 0000 to 9999, whose days `YYYY-MM-DD` can name. */
export const EARLIEST_INSTANT = Date.parse('0000-01-01T00:00:00.000Z');
export const LATEST_INSTANT = Date.parse('9999-12-31T23:59:59.999Z');

/** Milliseconds since the epoch of the UTC midnight that starts a day. */
export function dayStartUtc(day: CalendarDay): number {
  return Date.parse(`${day}T00:00:00.000Z`);
}

export function addDays(day: CalendarDay, days: number): CalendarDay {
  return new Date(dayStartUtc(day) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: CalendarDay, to: CalendarDay): number {
  return Math.round((dayStartUtc(to) - dayStartUtc(from)) / DAY_MS);
}

// An ISO-8601 date-time with a zone (Z or ±hh:mm / ±hhmm); date-times without one are ambiguous.
const INSTANT_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/i;

// A UTC date-time whose day of the month is at most 31; isInMonth() then checks the month has that day.
const UTC_INSTANT = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?Z$/;

const ISO_STRING_SHAPE = 'dddd-dd-ddTdd:dd:dd.dddZ';
const DIGIT_0 = 48;
const twoDigits = (text: string, at: number) =>
  (text.charCodeAt(at) - DIGIT_0) * 10 + text.charCodeAt(at + 1) - DIGIT_0;

/**
 * What UTC_INSTANT matches, in the one form `Date#toISOString()` writes (`YYYY-MM-DDTHH:MM:SS.sssZ`), checked
 * character by character: several times faster than the pattern, for the form nearly every server sends.
 */
function isIsoString(text: string): boolean {
  if (text.length !== ISO_STRING_SHAPE.length) return false;
  for (let at = 0; at < ISO_STRING_SHAPE.length; at++) {
    const code = text.charCodeAt(at);
    const expected = ISO_STRING_SHAPE.charCodeAt(at);
    if (expected === 100 /* d */ ? code < DIGIT_0 || code > DIGIT_0 + 9 : code !== expected) return false;
  }
  const month = twoDigits(text, 5);
  const day = twoDigits(text, 8);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= 31 &&
    twoDigits(text, 11) <= 23 &&
    twoDigits(text, 14) <= 59 &&
    twoDigits(text, 17) <= 59
  );
}

/** Whether the `YYYY-MM-DD` start of `text` (month 01–12, day 01–31) names a day its month has. */
function isInMonth(text: string): boolean {
  const day = Number(text.slice(8, 10));
  return day <= 28 || day <= daysInMonth(Number(text.slice(0, 4)), Number(text.slice(5, 7)));
}

/** Parses an ISO-8601 date-time with a zone to epoch milliseconds; undefined otherwise. */
export function parseInstant(text: string): number | undefined {
  if (!INSTANT_PATTERN.test(text)) return undefined;
  if (parseDay(text.slice(0, 10)) === undefined) return undefined;
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : ms;
}

/** contract §4: the renewal date's calendar day is the UTC day of licenseEndDate, whatever offset it came with. */
export function renewalDayOf(licenseEndDate: string | null): CalendarDay | null {
  if (licenseEndDate === null) return null;
  // The common case, a UTC date-time as servers send it: its first ten characters are the UTC day. Listings
  // call this for every row and in sort comparisons, so it must not build a Date each time.
  if ((isIsoString(licenseEndDate) || UTC_INSTANT.test(licenseEndDate)) && isInMonth(licenseEndDate)) {
    return licenseEndDate.slice(0, 10);
  }
  const ms = parseInstant(licenseEndDate) ?? Date.parse(`${licenseEndDate.slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(ms) ? null : dayOf(ms);
}
