import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantArbitrary, type SearchRow, searchRowArbitrary } from '../../../test/support/search-rows.js';
import { EARLIEST_INSTANT, exportRecordOf, LATEST_INSTANT, utcDayStartOf } from '../../contract/index.js';
import { sqliteJson } from '../db/dialects/sqlite-json.js';
import { openStorage, type Storage } from '../db/index.js';
import { EXPORT_CELLS, EXPORT_ROW_COLUMNS, SEARCH_COMPANY, SEARCH_ROW_COLUMNS } from './company-records.js';
import { selectSearchRow } from './search-query.js';

// Every instant an admin can store (years 0000 to 9999, see company-changes.ts).
const anyStorableInstant = fc.integer({ min: EARLIEST_INSTANT, max: LATEST_INSTANT });

/** A row read as an object, as the search record's values. */
const valuesOf = (row: SearchRow) => SEARCH_ROW_COLUMNS.map((column) => row[column as keyof SearchRow]);

let storage: Storage;

beforeAll(async () => {
  storage = await openStorage(':memory:');
});

afterAll(async () => {
  await storage.close();
});

/** The row stored, then read back both ways: as values made into a DTO here, and as the database's JSON. */
async function bothWays(row: SearchRow, todayStartMs: number) {
  const { id: _id, parent_id: _parent, ...stored } = row;
  const { id } = await storage.db
    .insertInto('companies')
    .values({ ...stored, name_folded: '', path: '/', depth: 0, tags_folded: '' })
    .returning('id')
    .executeTakeFirstOrThrow();
  try {
    const json = sqliteJson;
    const rows = storage.db.selectFrom('companies').where('id', '=', id);
    const [values] = await storage.selectValues(selectSearchRow(rows));
    const [[text]] = (await storage.selectValues(
      rows.select(SEARCH_COMPANY.json(json, { todayStartMs }).as('json')),
    )) as [[string]];
    return {
      dto: SEARCH_COMPANY.fromValues(values as unknown[], { todayStartMs }),
      parsed: JSON.parse(text) as object,
    };
  } finally {
    await storage.db.deleteFrom('companies').where('id', '=', id).execute();
  }
}

describe('the search record as SQL JSON', () => {
  it("is the row's SearchCompanyDto as JSON, key for key, for any row and day", async () => {
    await fc.assert(
      fc.asyncProperty(searchRowArbitrary, instantArbitrary, fc.boolean(), async (row, now, isRenewalDay) => {
        const todayStartMs =
          isRenewalDay && row.license_end_at !== null ? utcDayStartOf(row.license_end_at) : utcDayStartOf(now);
        const { dto, parsed } = await bothWays(row, todayStartMs);
        expect(parsed).toEqual(dto);
        expect(Object.keys(parsed)).toEqual(Object.keys(dto));
      }),
      { numRuns: 500 },
    );
  });

  it('writes every storable instant as toISOString does, before 1970 and at millisecond edges too', async () => {
    const [row] = fc.sample(searchRowArbitrary, 1) as [SearchRow];
    const edges = [0, -1, 1, -999, -1000, -1001, 999, 1000, EARLIEST_INSTANT, LATEST_INSTANT];
    const instants = [...edges, ...fc.sample(anyStorableInstant, 300)];
    for (const instant of instants) {
      const { dto, parsed } = await bothWays({ ...row, license_end_at: instant, created_at: instant }, 0);
      expect(parsed).toMatchObject({ licenseEndDate: dto.licenseEndDate, createTime: dto.createTime });
      expect(dto.licenseEndDate).toBe(new Date(instant).toISOString());
    }
  });
});

describe('the export cells', () => {
  it('gives the record of the row as a SearchCompanyDto, for any row and day', () => {
    fc.assert(
      fc.property(searchRowArbitrary, instantArbitrary, fc.boolean(), (row, now, isRenewalDay) => {
        const todayStartMs =
          isRenewalDay && row.license_end_at !== null ? utcDayStartOf(row.license_end_at) : utcDayStartOf(now);
        const exported = EXPORT_ROW_COLUMNS.map((column) => row[column as keyof SearchRow]);
        expect(EXPORT_CELLS.fromValues(exported, { todayStartMs })).toEqual(
          exportRecordOf(SEARCH_COMPANY.fromValues(valuesOf(row), { todayStartMs })),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('expires a licence from the day after its renewal day, not before', () => {
    const row = fc.sample(searchRowArbitrary, 1)[0] as SearchRow;
    const renewal = Date.UTC(2026, 10, 26);
    const values = EXPORT_ROW_COLUMNS.map((column) =>
      column === 'license_end_at' ? renewal : row[column as keyof SearchRow],
    );
    const isExpired = (todayStartMs: number) => EXPORT_CELLS.fromValues(values, { todayStartMs })[13];
    expect(isExpired(Date.UTC(2026, 10, 26))).toBe(false);
    expect(isExpired(Date.UTC(2026, 10, 27))).toBe(true);
    expect(EXPORT_CELLS.fromValues(values, { todayStartMs: 0 })[11]).toBe('2026-11-26');
  });
});
