import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { instantArbitrary, searchRowArbitrary } from '../../../test/support/search-rows.js';
import { exportRecordOf, utcDayStartOf } from '../../contract/index.js';
import { toSearchCompanyDto } from './company-dto.js';
import { exportRecordOfValues } from './export-records.js';
import { EXPORT_ROW_COLUMNS, type SearchRow } from './search-query.js';
import { searchRowValuesOf } from './search-row-values.js';

describe('exportRecordOfValues', () => {
  it('gives the record of the row as a SearchCompanyDto, for any row and day', () => {
    fc.assert(
      fc.property(searchRowArbitrary, instantArbitrary, fc.boolean(), (row, now, isRenewalDay) => {
        const todayStartMs =
          isRenewalDay && row.license_end_at !== null ? utcDayStartOf(row.license_end_at) : utcDayStartOf(now);
        const exported = EXPORT_ROW_COLUMNS.map((column) => row[column]);
        expect(exportRecordOfValues(exported, todayStartMs)).toEqual(
          exportRecordOf(toSearchCompanyDto(searchRowValuesOf(row), todayStartMs)),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('expires a licence from the day after its renewal day, not before', () => {
    const row = fc.sample(searchRowArbitrary, 1)[0] as SearchRow;
    const renewal = Date.UTC(2026, 10, 26);
    const values = EXPORT_ROW_COLUMNS.map((column) => (column === 'license_end_at' ? renewal : row[column]));
    const isExpired = (todayStartMs: number) => exportRecordOfValues(values, todayStartMs)[13];
    expect(isExpired(Date.UTC(2026, 10, 26))).toBe(false);
    expect(isExpired(Date.UTC(2026, 10, 27))).toBe(true);
    expect(exportRecordOfValues(values, 0)[11]).toBe('2026-11-26');
  });
});
