import { describe, expect, it } from 'vitest';
import {
  expectedCells,
  generateCompanies,
  makeCompanies,
  makeCompany,
  makeTrickyCompany,
} from '../../test/support/sample-companies.js';
import { libreOfficeSheets, loadWorkbook, sheetTexts } from '../../test/support/spreadsheet-readers.js';
import { EXPORT_COLUMNS, type SearchCompanyDto } from '../contract/index.js';
import { recordBatchesOf } from './record-batches.js';
import { streamXlsx, type XlsxOptions } from './xlsx.js';

const HEADERS = EXPORT_COLUMNS.map((column) => column.header);

async function xlsxBytes(companies: SearchCompanyDto[], options?: XlsxOptions): Promise<Buffer> {
  const chunks: Buffer[] = [];
  async function* rows() {
    yield* companies;
  }
  for await (const chunk of streamXlsx(recordBatchesOf(rows()), options)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

describe('streamXlsx', () => {
  const tricky = makeCompanies(40, makeTrickyCompany);

  it('writes every row, which exceljs reads back cell for cell', async () => {
    const sheets = sheetTexts(await loadWorkbook(await xlsxBytes(tricky)));
    expect([...sheets.keys()]).toEqual(['Companies']);
    expect(sheets.get('Companies')).toEqual([HEADERS, ...tricky.map(expectedCells)]);
  });

  it('writes real number, date and boolean cells and an "Unlimited" text for open licences', async () => {
    const worksheet = (await loadWorkbook(await xlsxBytes(tricky))).getWorksheet('Companies');
    const column = (header: (typeof HEADERS)[number]) => HEADERS.indexOf(header) + 1;
    const row = worksheet?.getRow(2);
    expect(typeof row?.getCell(column('Target Users')).value).toBe('number');
    expect(row?.getCell(column('Date Created')).value).toBeInstanceOf(Date);
    expect(row?.getCell(column('Date Created')).numFmt).toBe('yyyy-mm-dd');
    expect(typeof row?.getCell(column('License Expired')).value).toBe('boolean');
    const limits = tricky.map((_, i) => worksheet?.getRow(i + 2).getCell(column('License Limit')).value);
    expect(limits).toContain('Unlimited');
    expect(limits.filter((limit) => limit !== 'Unlimited').every((limit) => typeof limit === 'number')).toBe(true);
  });

  it('makes the header row bold and frozen, with an auto-filter over it and fixed column widths', async () => {
    const worksheet = (await loadWorkbook(await xlsxBytes(tricky))).getWorksheet('Companies');
    expect(worksheet?.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(worksheet?.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(worksheet?.autoFilter).toBe('A1:N41');
    expect(worksheet?.getColumn(1).width).toBe(28);
    expect(worksheet?.getColumn(HEADERS.indexOf('Renewal Date') + 1).width).toBe(16);
  });

  it('drops characters XML forbids before neutralising, so they cannot hide a formula', async () => {
    const company = { ...makeCompany(1), companyName: '\u0001=1+2', resellerName: 'Bell\u0007 & <Co>' };
    const worksheet = (await loadWorkbook(await xlsxBytes([company]))).getWorksheet('Companies');
    expect(worksheet?.getRow(2).getCell(1).value).toBe("'=1+2");
    expect(worksheet?.getRow(2).getCell(3).value).toBe('Bell & <Co>');
  });

  it('continues past the row limit on "Companies (2)" and so on, each sheet with its own header', async () => {
    const companies = makeCompanies(12, makeTrickyCompany);
    const workbook = await loadWorkbook(await xlsxBytes(companies, { maxDataRowsPerSheet: 5 }));
    const sheets = sheetTexts(workbook);
    const expected = companies.map(expectedCells);
    expect([...sheets.keys()]).toEqual(['Companies', 'Companies (2)', 'Companies (3)']);
    expect(sheets.get('Companies')).toEqual([HEADERS, ...expected.slice(0, 5)]);
    expect(sheets.get('Companies (2)')).toEqual([HEADERS, ...expected.slice(5, 10)]);
    expect(sheets.get('Companies (3)')).toEqual([HEADERS, ...expected.slice(10)]);
    for (const worksheet of workbook.worksheets) {
      expect(worksheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(worksheet.getRow(1).getCell(1).font?.bold).toBe(true);
    }
    expect(workbook.worksheets.map((worksheet) => worksheet.autoFilter)).toEqual(['A1:N6', 'A1:N6', 'A1:N3']);
  });

  it('starts no empty sheet when the rows fill the last one exactly', async () => {
    const workbook = await loadWorkbook(await xlsxBytes(makeCompanies(10), { maxDataRowsPerSheet: 5 }));
    expect(workbook.worksheets.map((worksheet) => worksheet.rowCount)).toEqual([6, 6]);
  });

  it('writes one sheet holding only the header for an empty source', async () => {
    const sheets = sheetTexts(await loadWorkbook(await xlsxBytes([])));
    expect([...sheets.entries()]).toEqual([['Companies', [HEADERS]]]);
  });

  it('rejects a row limit Excel cannot hold', () => {
    expect(() => streamXlsx(recordBatchesOf(generateCompanies(1)), { maxDataRowsPerSheet: 0 })).toThrow(RangeError);
    expect(() => streamXlsx(recordBatchesOf(generateCompanies(1)), { maxDataRowsPerSheet: 1_048_576 })).toThrow(
      RangeError,
    );
  });

  it('gives LibreOffice the same cells as exceljs, sheet by sheet', { timeout: 120_000 }, async () => {
    const companies = makeCompanies(24, makeTrickyCompany);
    const bytes = await xlsxBytes(companies, { maxDataRowsPerSheet: 10 });
    const fromExceljs = sheetTexts(await loadWorkbook(bytes));
    const names = [...fromExceljs.keys()];
    expect(names).toEqual(['Companies', 'Companies (2)', 'Companies (3)']);
    // LibreOffice shows booleans as TRUE/FALSE and keeps a cell's lines as paragraphs, written with LF.
    const asLibreOfficeWrites = (rows: string[][]) =>
      rows.map((row) =>
        row.map((cell) => cell.replace(/\r\n/g, '\n').replace(/^(true|false)$/, (b) => b.toUpperCase())),
      );
    const fromLibreOffice = await libreOfficeSheets(bytes, names);
    for (const name of names) {
      expect(fromLibreOffice.get(name)).toEqual(asLibreOfficeWrites(fromExceljs.get(name) ?? []));
    }
    expect(fromExceljs.get('Companies (3)')).toEqual([HEADERS, ...companies.slice(20).map(expectedCells)]);
  });
});
