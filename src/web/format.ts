// How numbers, days and day counts read on the page.
import {
  type CalendarDay,
  type CalendarMonth,
  dayOf,
  dayStartUtc,
  firstDayOfMonth,
  monthOf,
} from '../contract/index.js';

const NUMBER = new Intl.NumberFormat('en');
const MONTH = new Intl.DateTimeFormat('en-US', { month: 'short', timeZone: 'UTC' });
const MONTH_YEAR = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

export const formatNumber = (value: number) => NUMBER.format(value);

export const formatMonthShort = (month: CalendarMonth) => MONTH.format(dayStartUtc(firstDayOfMonth(month)));
export const formatMonthLong = (month: CalendarMonth) => MONTH_YEAR.format(dayStartUtc(firstDayOfMonth(month)));

/** `2026-03-09` → `9 Mar 2026` (a calendar day: no time zone shift). */
export function formatDay(day: CalendarDay | null): string {
  if (day === null) return '—';
  return `${Number(day.slice(8, 10))} ${formatMonthShort(monthOf(day))} ${day.slice(0, 4)}`;
}

/** A message naming days as YYYY-MM-DD (the SDK's reasons, the history's errors), with each day written as the page writes days. */
export const formatDaysIn = (text: string) => text.replace(/\b\d{4}-\d{2}-\d{2}\b/g, (day) => formatDay(day));

const plural = (count: number, word: string) => `${formatNumber(count)} ${word}${count === 1 ? '' : 's'}`;

export type Urgency = 'overdue' | 'soon' | 'upcoming' | 'open';

/** Days from D to the renewal day, as words, with how urgent it is (the status colour). */
export function describeDays(days: number | null): { text: string; urgency: Urgency } {
  if (days === null) return { text: 'Open-ended', urgency: 'open' };
  if (days < 0) return { text: `${plural(-days, 'day')} overdue`, urgency: 'overdue' };
  if (days === 0) return { text: 'Renews today', urgency: 'soon' };
  return { text: `In ${plural(days, 'day')}`, urgency: days <= 30 ? 'soon' : 'upcoming' };
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
}

/** An instant's UTC calendar day, in the page's one day format (contract §4: renewal days are UTC days). */
export function formatInstantDay(iso: string | null): string {
  return iso === null ? '—' : formatDay(dayOf(Date.parse(iso)));
}

/** How old something fetched at `iso` is at `now`: "just now", "4 min old", "2 h old". */
export function formatAge(iso: string, now: number): string {
  const minutes = Math.floor((now - Date.parse(iso)) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 120) return `${formatNumber(minutes)} min old`;
  return `${formatNumber(Math.floor(minutes / 60))} h old`;
}

/** An instant as the browser's clock reads it: its local day in the page's day format, and the time. */
export function formatInstant(iso: string): string {
  const date = new Date(iso);
  const day = [date.getFullYear(), date.getMonth() + 1, date.getDate()]
    .map((n) => String(n).padStart(2, '0'))
    .join('-');
  return `${formatDay(day)} ${formatTime(iso)}`;
}
