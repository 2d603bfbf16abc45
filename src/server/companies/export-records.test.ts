import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { exportRecordOf } from '../../contract/index.js';
import { toSearchCompanyDto } from './company-dto.js';
import { exportRecordOfValues } from './export-records.js';
import { SEARCH_ROW_COLUMNS, type SearchRow } from './search-query.js';

const DAY = 86_400_000;
// From 1900 to 2200: old creation dates and far renewals, across month, year and leap-day ends.
const instant = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) });
// Midnights too, where "expired" and the day's text change.
const renewalInstant = fc.oneof(
  instant,
  instant.map((ms) => Math.floor(ms / DAY) * DAY),
);
const text = fc.string({ unit: 'binary', maxLength: 12 });
const count = fc.integer({ min: 0, max: 2_000_000 });

const searchRow: fc.Arbitrary<SearchRow> = fc.record({
  id: fc.nat(),
  parent_id: fc.option(fc.nat()),
  resource_id: text,
  name: text,
  reseller_name: fc.option(text),
  industry_name: fc.option(text),
  industry_resource_id: fc.option(text),
  license_type_name: fc.option(text),
  license_type_resource_id: fc.option(text),
  is_number_of_users_limited: fc.constantFrom(0, 1),
  number_of_users: count,
  license_end_at: fc.option(renewalInstant),
  created_at: instant,
  target_user_count: count,
  inactive_target_user_count: count,
  deleted_target_user_count: count,
  monthly_active_user_count: count,
  tags: fc.array(text, { maxLength: 4 }).map((tags) => JSON.stringify(tags)),
  privacy_duration_id: fc.nat(9),
});

describe('exportRecordOfValues', () => {
  it('gives the record of the row as a SearchCompanyDto, for any row and day', () => {
    fc.assert(
      fc.property(searchRow, instant, fc.boolean(), (row, now, isRenewalDay) => {
        const todayStartMs =
          isRenewalDay && row.license_end_at !== null
            ? Math.floor(row.license_end_at / DAY) * DAY
            : Math.floor(now / DAY) * DAY;
        const values = SEARCH_ROW_COLUMNS.map((column) => row[column]);
        expect(exportRecordOfValues(values, todayStartMs)).toEqual(
          exportRecordOf(toSearchCompanyDto(values, todayStartMs)),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('expires a licence from the day after its renewal day, not before', () => {
    const row = fc.sample(searchRow, 1)[0] as SearchRow;
    const renewal = Date.UTC(2026, 10, 26);
    const values = SEARCH_ROW_COLUMNS.map((column) => (column === 'license_end_at' ? renewal : row[column]));
    const isExpired = (todayStartMs: number) => exportRecordOfValues(values, todayStartMs)[13];
    expect(isExpired(Date.UTC(2026, 10, 26))).toBe(false);
    expect(isExpired(Date.UTC(2026, 10, 27))).toBe(true);
    expect(exportRecordOfValues(values, 0)[11]).toBe('2026-11-26');
  });
});
