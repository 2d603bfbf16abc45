// How numbers, days and day counts read on the page.
import { type CalendarDay, type CalendarMonth, dayStartUtc, firstDayOfMonth, monthOf } from '../contract/index.js';

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
