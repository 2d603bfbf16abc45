import { describe, expect, it } from 'vitest';
import { LICENSE_PERIOD_TYPES } from './licence-reads.js';
import { parseRenewalSpan, RenewalTermError, renewalTermOf, renewedDay } from './licence-renewal.js';

const TODAY = '2026-11-26';
const licence = (licenseEndDate: string | null, period: { resourceId: string; name: string } | null) => ({
  name: 'Acme',
  licenseEndDate,
  licensePeriodTypeResourceId: period?.resourceId ?? null,
  licensePeriodTypeName: period?.name ?? null,
});

describe('renewedDay', () => {
  it('counts the licence period from a renewal date still to come, and from today once it has passed', () => {
    const { oneYear, threeYears } = LICENSE_PERIOD_TYPES;
    expect(renewedDay(licence('2026-12-31T00:00:00.000Z', oneYear), { byPeriod: true }, TODAY)).toBe('2027-12-31');
    expect(renewedDay(licence('2026-11-26T00:00:00.000Z', oneYear), { byPeriod: true }, TODAY)).toBe('2027-11-26');
    expect(renewedDay(licence('2025-01-01T00:00:00.000Z', threeYears), { byPeriod: true }, TODAY)).toBe('2029-11-25');
    expect(renewedDay(licence(null, oneYear), { byDays: 30 }, TODAY)).toBe('2026-12-26');
  });

  it('finds the period by name when the resource id is not the catalogue one', () => {
    const named = { resourceId: 'vendor-own-id', name: ' 3 years ' };
    expect(renewedDay(licence('2027-01-01T00:00:00.000Z', named), { byPeriod: true }, TODAY)).toBe('2029-12-31');
  });

  it('refuses a Custom or missing period without a term, and a chosen day before today', () => {
    expect(() => renewedDay(licence(null, LICENSE_PERIOD_TYPES.custom), { byPeriod: true }, TODAY)).toThrow(
      /^Acme has the licence period Custom/,
    );
    expect(() => renewedDay(licence(null, null), { byPeriod: true }, TODAY)).toThrow(/^Acme has no licence period/);
    expect(() => renewedDay(licence(null, null), { until: '2026-11-25' }, TODAY)).toThrow(RenewalTermError);
    expect(renewedDay(licence(null, null), { until: TODAY }, TODAY)).toBe(TODAY);
  });
});

describe('renewalTermOf and parseRenewalSpan', () => {
  it('reads days and 365-day years, and refuses anything else', () => {
    expect(parseRenewalSpan('1y')).toBe(365);
    expect(parseRenewalSpan('3Y')).toBe(1095);
    expect(parseRenewalSpan('90d')).toBe(90);
    for (const bad of ['0d', '1m', 'y', '1.5y', '-1y', '12345d']) expect(parseRenewalSpan(bad), bad).toBeUndefined();
  });

  it('takes one of until and by', () => {
    expect(renewalTermOf({})).toEqual({ byPeriod: true });
    expect(renewalTermOf({ until: '2027-02-28' })).toEqual({ until: '2027-02-28' });
    expect(renewalTermOf({ by: '2y' })).toEqual({ byDays: 730 });
    expect(() => renewalTermOf({ until: '2027-02-29' })).toThrow(/until must be a day/);
    expect(() => renewalTermOf({ until: '2027-02-28', by: '1y' })).toThrow(/not both/);
    expect(() => renewalTermOf({ by: 'soon' })).toThrow(/by must be a span/);
  });
});
