// How numbers, days and day counts read on the page.
const NUMBER = new Intl.NumberFormat('en');
const MONTH = new Intl.DateTimeFormat('en-US', { month: 'short', timeZone: 'UTC' });
const MONTH_YEAR = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

export const formatNumber = (value: number) => NUMBER.format(value);

export const formatMonthShort = (month: string) => MONTH.format(new Date(`${month}-01T00:00:00Z`));
export const formatMonthLong = (month: string) => MONTH_YEAR.format(new Date(`${month}-01T00:00:00Z`));

/** `2026-03-09` → `9 Mar 2026` (a calendar day: no time zone shift). */
export function formatDay(day: string | null): string {
  if (day === null) return '—';
  return `${Number(day.slice(8, 10))} ${formatMonthShort(day.slice(0, 7))} ${day.slice(0, 4)}`;
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
