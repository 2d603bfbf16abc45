import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renewalDayOf, type SearchCompanyDto } from '../../contract/index.js';
import { exceedingLimit, expiredOn } from './criterion.js';

const { compare: collate } = new Intl.Collator();

// Few days and few names, so that rows share days and names across and within pages.
const company = fc.record({
  licenseEndDate: fc.option(
    fc.integer({ min: 0, max: 40 }).map((day) => new Date(Date.UTC(2026, 0, 1 + day, day % 24)).toISOString()),
  ),
  companyName: fc.constantFrom('Alpha', 'alpha', 'Élan', 'Zeta GmbH', 'beta & co', 'Beta', 'Straßburg'),
});
const companies = fc
  .uniqueArray(company, { maxLength: 300, selector: (row) => JSON.stringify(row) })
  .map((rows) => rows.map((row, index) => ({ ...row, companyResourceId: `r${index}` }) as SearchCompanyDto));

/** The rows cut into pages at the fractions `cuts`, then shuffled by the fractions `draws` (none: in order). */
function pagesOf(rows: SearchCompanyDto[], cuts: number[], draws: number[]): SearchCompanyDto[][] {
  const ends = [...cuts.map((at) => Math.floor(at * rows.length)).sort((a, b) => a - b), rows.length];
  const pages = ends.map((end, index) => rows.slice(index === 0 ? 0 : (ends[index - 1] as number), end));
  for (let index = pages.length - 1; index > 0 && draws.length > 0; index--) {
    const other = Math.floor((draws.shift() as number) * (index + 1));
    [pages[index], pages[other]] = [pages[other] as SearchCompanyDto[], pages[index] as SearchCompanyDto[]];
  }
  return pages;
}

const byName = (a: SearchCompanyDto, b: SearchCompanyDto) =>
  collate(a.companyName, b.companyName) || collate(a.companyResourceId, b.companyResourceId);
const renewalKey = (row: SearchCompanyDto) => renewalDayOf(row.licenseEndDate) ?? '9999-12-31';
const byRenewalDay = (a: SearchCompanyDto, b: SearchCompanyDto) =>
  renewalKey(a) < renewalKey(b) ? -1 : renewalKey(a) > renewalKey(b) ? 1 : 0;

describe('listing order', () => {
  const cuts = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 });
  const shuffle = fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), { maxLength: 20 });

  it('puts renewal listings in renewal-day then name order, however the rows arrive in pages', () => {
    fc.assert(
      fc.property(companies, cuts, shuffle, fc.boolean(), (rows, at, order, isServerOrder) => {
        // Pages read in renewal-date order (as the server filter asks for them), or in any order.
        const read = isServerOrder ? [...rows].sort(byRenewalDay) : rows;
        const listing = expiredOn('2027-01-01').order();
        for (const page of pagesOf(read, at, isServerOrder ? [] : order)) listing.add(page);
        const expected = [...rows].sort((a, b) => byRenewalDay(a, b) || byName(a, b));
        expect(listing.sorted().map((row) => row.companyResourceId)).toEqual(
          expected.map((row) => row.companyResourceId),
        );
      }),
      { numRuns: 300 },
    );
  });

  it('puts other listings in name order', () => {
    fc.assert(
      fc.property(companies, cuts, shuffle, (rows, at, order) => {
        const listing = exceedingLimit().order();
        for (const page of pagesOf(rows, at, order)) listing.add(page);
        expect(listing.sorted()).toEqual([...rows].sort(byName));
      }),
      { numRuns: 200 },
    );
  });
});
