import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayOf, dayStartUtc, renewalDayOf, utcDayOfMs, utcDayStartOf } from './calendar-day.js';

// 1600 to 2400: leap-year rules at every century, and every month's last day.
const instant = fc.integer({ min: Date.UTC(1600, 0, 1), max: Date.UTC(2400, 0, 1) - 1 });

describe('calendar days', () => {
  it('reads the UTC day of any UTC date-time, with or without seconds and fractions', () => {
    fc.assert(
      fc.property(instant, (ms) => {
        const iso = new Date(ms).toISOString();
        const day = iso.slice(0, 10);
        expect(renewalDayOf(iso)).toBe(day);
        expect(renewalDayOf(iso.replace(/\.\d{3}Z$/, 'Z'))).toBe(day);
        expect(renewalDayOf(iso.replace(/:\d{2}\.\d{3}Z$/, 'Z'))).toBe(day);
        expect(utcDayOfMs(ms)).toBe(dayOf(ms));
        expect(utcDayStartOf(ms)).toBe(dayStartUtc(dayOf(ms)));
      }),
      { numRuns: 5000 },
    );
  });

  it('reads a date-time in the shape toISOString writes as it reads the same instant written longer', () => {
    // Any digits in every digit place (months 00–99, hours 00–99…): the quick check for that one shape must
    // agree with the general pattern, which a fraction of four digits goes through.
    const digits = fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 17, maxLength: 17 });
    fc.assert(
      fc.property(digits, (values) => {
        let next = 0;
        const text = 'dddd-dd-ddTdd:dd:dd.dddZ'.replace(/d/g, () => String(values[next++]));
        expect(renewalDayOf(text)).toBe(renewalDayOf(text.replace(/Z$/, '0Z')));
      }),
      { numRuns: 5000 },
    );
  });

  it('knows which months have days 29 to 31', () => {
    expect(renewalDayOf('2024-02-29T10:00:00Z')).toBe('2024-02-29');
    expect(renewalDayOf('2000-02-29T10:00:00Z')).toBe('2000-02-29');
    expect(renewalDayOf('2026-01-31T10:00:00Z')).toBe('2026-01-31');
    expect(renewalDayOf('2026-04-30T10:00:00Z')).toBe('2026-04-30');
    for (const notADay of ['2026-02-29', '1900-02-29', '2026-02-30', '2026-04-31', '2026-06-31', '2026-11-31']) {
      // Not a day of its month, so not taken as written (the lenient date parser may roll it over).
      expect(renewalDayOf(`${notADay}T10:00:00Z`)).not.toBe(notADay);
    }
  });

  it('takes the UTC day of a date-time with an offset', () => {
    expect(renewalDayOf('2026-03-01T01:00:00+02:00')).toBe('2026-02-28');
    expect(renewalDayOf('2026-02-28T23:30:00-01:00')).toBe('2026-03-01');
  });
});
