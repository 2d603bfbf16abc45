// Calendar months for the renewals chart, as `YYYY-MM` text. Days themselves stay with contract/calendar-day.ts;
// this only steps whole months, which that module has no need for.
import { addDays, type CalendarDay } from './calendar-day.js';

export type CalendarMonth = string;

export function monthOf(day: CalendarDay): CalendarMonth {
  return day.slice(0, 7);
}

export function shiftMonth(month: CalendarMonth, months: number): CalendarMonth {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + months;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function lastDayOfMonth(month: CalendarMonth): CalendarDay {
  return addDays(`${shiftMonth(month, 1)}-01`, -1);
}

/** `count` consecutive months starting at `first`. */
export function monthsFrom(first: CalendarMonth, count: number): CalendarMonth[] {
  return Array.from({ length: count }, (_, offset) => shiftMonth(first, offset));
}
