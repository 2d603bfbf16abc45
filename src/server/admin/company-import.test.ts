import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../../test/support/databases.js';
import { findTreeInconsistencies } from '../../../test/support/tree-consistency.js';
import { dayStartUtc, EXPORT_COLUMNS, neutraliseFormula, type SearchCompanyDto } from '../../contract/index.js';
import { SEARCH_COMPANY } from '../companies/index.js';
import type { Db } from '../db/index.js';
import { openStorage, type Storage } from '../db/index.js';
import { FORMULA_COMPANY_NAME, seedCompanies } from '../seed/index.js';
import { importCompanies } from './index.js';

const TODAY = '2026-03-15';
const HEADERS = EXPORT_COLUMNS.map((column) => column.header);

const allRows = (db: Db) => db.selectFrom('companies').selectAll().orderBy('id').execute();
type Row = Awaited<ReturnType<typeof allRows>>[number];

// The server's own row-to-DTO mapping: this file tests the import, not the mapping (search and export tests do).
const dtoOf = (row: Row): SearchCompanyDto => SEARCH_COMPANY.fromRow(row, { todayStartMs: dayStartUtc(TODAY) });

/** contract §5 CSV: RFC 4180, CRLF, UTF-8 with a BOM, YYYY-MM-DD dates, formula-looking text neutralised. */
function exportCsv(rows: Row[], extra: { header: string; value: (row: Row) => string }[] = []): string {
  const cells = rows.map((row) => {
    const dto = dtoOf(row);
    return [
      ...EXPORT_COLUMNS.map((column) => {
        const value = column.value(dto);
        if (value === null) return '';
        if (column.kind === 'text') return neutraliseFormula(String(value));
        return typeof value === 'boolean' ? (value ? 'Yes' : 'No') : String(value);
      }),
      ...extra.map((column) => column.value(row)),
    ];
  });
  return stringify([[...HEADERS, ...extra.map((column) => column.header)], ...cells], {
    bom: true,
    record_delimiter: '\r\n',
  });
}

const csvOf = (lines: string[][]) => stringify(lines, { record_delimiter: '\r\n' });

describe.each(DATABASE_KINDS)('importCompanies on %s', (kind) => {
  const databases: TestDatabase[] = [];
  let source: Storage;
  let sourceRows: Row[];
  const fresh = async () => {
    const database = await createTestDatabase(kind);
    databases.push(database);
    return openStorage(database.location);
  };

  beforeAll(async () => {
    const database = await createTestDatabase(kind);
    databases.push(database);
    await seedCompanies(database.location, { companies: 150, seed: 21, today: TODAY });
    source = await openStorage(database.location);
    sourceRows = await allRows(source.db);
  });
  afterAll(async () => {
    await source?.close();
    for (const database of databases) await database.drop();
  });

  it('round-trips an export into an empty database: it exports the same file again', async () => {
    const csv = exportCsv(sourceRows);
    expect(csv).toContain(`"'${FORMULA_COMPANY_NAME.replaceAll('"', '""')}"`);
    const target = await fresh();
    try {
      expect(await importCompanies(target.db, csv)).toEqual({ created: sourceRows.length, updated: 0 });
      const imported = await allRows(target.db);
      expect(exportCsv(imported)).toBe(csv);
      expect(imported.map((row) => [row.resource_id, row.path, row.name])).toEqual(
        sourceRows.map((row) => [row.resource_id, row.path, row.name]),
      );
      expect(await findTreeInconsistencies(target.db)).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it('re-importing an export into its own database updates every row and changes nothing', async () => {
    const summary = await importCompanies(source.db, Buffer.from(exportCsv(sourceRows)));
    expect(summary).toEqual({ created: 0, updated: sourceRows.length });
    expect(await allRows(source.db)).toEqual(sourceRows);
  });

  it('lets Reseller ID win over Reseller Name, and renames follow to the children', async () => {
    const target = await fresh();
    try {
      await importCompanies(target.db, exportCsv(sourceRows));
      const [reseller, other] = sourceRows.filter((row) => row.depth === 1);
      const customer = sourceRows.find((row) => row.parent_id === reseller?.id && row.depth === 2) as Row;
      const renamed = { ...(reseller as Row), name: 'Renamed Reseller' };
      const moved = { ...customer, reseller_name: 'ignored when Reseller ID is given' };
      const csv = exportCsv(
        [renamed, moved],
        [{ header: 'Reseller ID', value: (row) => (row === moved ? (other?.resource_id ?? '') : '') }],
      );
      expect(await importCompanies(target.db, csv)).toEqual({ created: 0, updated: 2 });
      const rows = await allRows(target.db);
      const movedRow = rows.find((row) => row.resource_id === customer.resource_id);
      expect(movedRow?.path).toBe(`${(other as Row).path}${customer.resource_id}/`);
      expect(movedRow?.reseller_name).toBe(other?.name);
      const children = rows.filter((row) => row.parent_id === reseller?.id);
      expect(children.length).toBeGreaterThan(0);
      expect(children.every((row) => row.reseller_name === 'Renamed Reseller')).toBe(true);
      expect(await findTreeInconsistencies(target.db)).toEqual([]);
    } finally {
      await target.close();
    }
  });

  it('writes nothing when any line is bad, and lists the bad lines (counting lines inside quoted cells)', async () => {
    const reseller = sourceRows.find((row) => row.depth === 1) as Row;
    const csv = csvOf([
      ['Company Name', 'Company ID', 'Reseller Name', 'Target Users', 'License Limit', 'Renewal Date'],
      ['Good New Co', 'GoodNewCo001', reseller.name, '5', '10', '2026-04-01'],
      ['Two\nLine Name', '', reseller.name, '5', 'Unlimited', ''],
      ['Bad Number Co', '', reseller.name, 'five', '10', ''],
      ['Orphan Co', '', 'No Such Reseller', '1', '10', ''],
      ['Bad Day Co', '', reseller.name, '1', '10', '31/12/2026'],
    ]);
    const before = await allRows(source.db);
    const failure = importCompanies(source.db, csv);
    await expect(failure).rejects.toThrow(/Nothing was imported: 3 line\(s\)/);
    await expect(failure).rejects.toThrow(/line 5: Target Users: "five" is not a whole number/);
    await expect(failure).rejects.toThrow(/line 6: No company has the resource id or name "No Such Reseller"/);
    await expect(failure).rejects.toThrow(/line 7: licenseEndDate must be a YYYY-MM-DD day/);
    expect(await allRows(source.db)).toEqual(before);
  });

  it('names an ambiguous reseller name, an unknown column and a ragged line', async () => {
    const [first, second] = sourceRows.filter((row) => row.depth === 1) as [Row, Row];
    const target = await fresh();
    try {
      await importCompanies(target.db, exportCsv(sourceRows.slice(0, 2)));
      const twinCsv = csvOf([
        ['Company Name', 'Reseller Name'],
        ['Twin', first.name],
        ['Twin', first.name],
        ['Child Of Twin', 'Twin'],
      ]);
      await expect(importCompanies(target.db, twinCsv)).rejects.toThrow(/line 4: 2 companies are named "Twin"/);
      await expect(importCompanies(target.db, 'Company Name,Colour\r\nX,red\r\n')).rejects.toThrow(
        /Unknown column "Colour"/,
      );
      await expect(
        importCompanies(target.db, `Company Name,Reseller Name\r\nX,${second.name},extra\r\n`),
      ).rejects.toThrow(/cannot be read/);
    } finally {
      await target.close();
    }
  });

  it("removes only a neutralising quote: '=x loses it, 'plain keeps it", async () => {
    const reseller = sourceRows.find((row) => row.depth === 1) as Row;
    const target = await fresh();
    try {
      await importCompanies(target.db, exportCsv(sourceRows.slice(0, 2)));
      const csv = csvOf([
        ['Company Name', 'Company ID', 'Reseller ID', 'Tags'],
        ["'=1+1", 'FormulaCo001', reseller.resource_id, "'-minus, plus"],
        ["'plain", 'PlainCo00001', reseller.resource_id, ''],
      ]);
      expect(await importCompanies(target.db, `\ufeff${csv}`)).toEqual({ created: 2, updated: 0 });
      const rows = await allRows(target.db);
      expect(rows.find((row) => row.resource_id === 'FormulaCo001')).toMatchObject({
        name: '=1+1',
        tags: '["-minus","plus"]',
      });
      expect(rows.find((row) => row.resource_id === 'PlainCo00001')?.name).toBe("'plain");
    } finally {
      await target.close();
    }
  });

  it('carries earlier months\' monthly active users in "Monthly Users YYYY-MM" columns, replacing those months', async () => {
    const target = await fresh();
    const usageOf = (db: Db) =>
      db
        .selectFrom('monthly_usage')
        .innerJoin('companies', 'companies.id', 'monthly_usage.company_id')
        .select(['companies.resource_id', 'monthly_usage.month', 'monthly_usage.active_user_count'])
        .orderBy('companies.resource_id')
        .orderBy('monthly_usage.month')
        .execute();
    try {
      const [first, second] = sourceRows.slice(0, 2) as [Row, Row];
      const months = [
        { header: 'Monthly Users 2026-01', value: (row: Row) => (row === first ? '7' : '') },
        { header: 'monthly users 2025-12', value: () => '12' },
      ];
      await importCompanies(target.db, exportCsv([first, second], months), { now: Date.parse(`${TODAY}T12:00:00Z`) });
      expect(await usageOf(target.db)).toEqual(
        [
          { resource_id: first.resource_id, month: '2025-12', active_user_count: 12 },
          { resource_id: first.resource_id, month: '2026-01', active_user_count: 7 },
          { resource_id: second.resource_id, month: '2025-12', active_user_count: 12 },
        ].sort((a, b) => (a.resource_id < b.resource_id ? -1 : a.resource_id > b.resource_id ? 1 : 0)),
      );
      await importCompanies(target.db, exportCsv([first], [{ header: 'Monthly Users 2026-01', value: () => '9' }]));
      expect((await usageOf(target.db)).find((row) => row.month === '2026-01')?.active_user_count).toBe(9);
      const withHeader = (header: string) => exportCsv([first], [{ header, value: () => '1' }]);
      await expect(importCompanies(target.db, withHeader('Monthly Users 2026-13'))).rejects.toThrow(
        /"2026-13" is not a month YYYY-MM/,
      );
      await expect(
        importCompanies(target.db, withHeader('Monthly Users 2026-03'), { now: Date.parse(`${TODAY}T12:00:00Z`) }),
      ).rejects.toThrow(/is the current month/);
      await expect(
        importCompanies(target.db, withHeader('Monthly Users 2026-01').replace(',1\r\n', ',many\r\n')),
      ).rejects.toThrow(/not a whole number/);
    } finally {
      await target.close();
    }
  });
});
