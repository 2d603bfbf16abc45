import { describe, expect, it } from 'vitest';
import { addDays } from './calendar-day.js';
import { daysInMonth, firstDayOfMonth, lastDayOfMonth, monthOf, monthsFrom, shiftMonth } from './calendar-month.js';

describe('calendar months', () => {
  it('steps months across year ends in both directions', () => {
    expect(shiftMonth('2026-01', -1)).toBe('2025-12');
    expect(shiftMonth('2025-12', 1)).toBe('2026-01');
    expect(shiftMonth('2026-03', -11)).toBe('2025-04');
    expect(shiftMonth('2026-03', 23)).toBe('2028-02');
  });

  it('finds the last day of a month, leap years included', () => {
    expect(lastDayOfMonth('2028-02')).toBe('2028-02-29');
    expect(lastDayOfMonth('2026-02')).toBe('2026-02-28');
    expect(lastDayOfMonth('2026-12')).toBe('2026-12-31');
  });

  it('lists consecutive months from a day', () => {
    expect(monthsFrom(shiftMonth(monthOf('2026-01-15'), -1), 3)).toEqual(['2025-12', '2026-01', '2026-02']);
  });

  it('counts the days of every month of a 400-year cycle as the day arithmetic does', () => {
    for (const month of monthsFrom('1900-01', 400 * 12)) {
      const last = addDays(firstDayOfMonth(shiftMonth(month, 1)), -1);
      expect(lastDayOfMonth(month)).toBe(last);
      expect(daysInMonth(Number(month.slice(0, 4)), Number(month.slice(5, 7)))).toBe(Number(last.slice(8, 10)));
    }
    expect(daysInMonth(1900, 2)).toBe(28);
    expect(daysInMonth(2000, 2)).toBe(29);
  });
});
