// Calendar months as `YYYY-MM` text, beside calendar-day.ts (which owns days and time zones): stepping whole
// months and the days a month holds.
import type { CalendarDay } from './calendar-day.js';

/** A calendar month as `YYYY-MM`. */
export type CalendarMonth = string;

export function monthOf(day: CalendarDay): CalendarMonth {
  return day.slice(0, 7);
}

export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Days in a month of the proleptic Gregorian calendar; `month` counts from 1 (January). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function shiftMonth(month: CalendarMonth, months: number): CalendarMonth {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function firstDayOfMonth(month: CalendarMonth): CalendarDay {
  return `${month}-01`;
}

export function lastDayOfMonth(month: CalendarMonth): CalendarDay {
  return `${month}-${daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)))}`;
}

/** `count` consecutive months starting at `first`. */
export function monthsFrom(first: CalendarMonth, count: number): CalendarMonth[] {
  return Array.from({ length: count }, (_, offset) => shiftMonth(first, offset));
}
