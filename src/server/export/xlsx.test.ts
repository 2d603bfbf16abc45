import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS, type SearchCompanyDto } from '../../contract/index.js';
import { expectedCells, generateCompanies, makeCompanies, makeCompany, makeTrickyCompany } from './sample-companies.js';
import { streamXlsx, type XlsxOptions } from './xlsx.js';

const HEADERS = EXPORT_COLUMNS.map((column) => column.header);

async function xlsxBytes(companies: SearchCompanyDto[], options?: XlsxOptions): Promise<Buffer> {
  const chunks: Buffer[] = [];
  async function* rows() {
    yield* companies;
  }
  for await (const chunk of streamXlsx(rows(), options)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function loadWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

// exceljs leaves ECMA-376 `_xHHHH_` escapes in inline strings as they are; Excel and LibreOffice decode them.
const decodeXstring = (text: string) =>
  text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'string') return decodeXstring(value);
  return String(value);
}

/** Every sheet's rows as text, header row included, keyed by sheet name in workbook order. */
function sheetTexts(workbook: ExcelJS.Workbook): Map<string, string[][]> {
  const sheets = new Map<string, string[][]>();
  for (const worksheet of workbook.worksheets) {
    const rows: string[][] = [];
    worksheet.eachRow({ includeEmpty: true }, (row) => {
      rows.push(HEADERS.map((_, index) => cellText(row.getCell(index + 1).value)));
    });
    sheets.set(worksheet.name, rows);
  }
  return sheets;
}

const execFileAsync = promisify(execFile);

/** Each sheet of an .xlsx as LibreOffice converts it to CSV, keyed by sheet name. */
async function libreOfficeSheets(bytes: Buffer, sheetNames: string[]): Promise<Map<string, string[][]>> {
  const dir = await mkdtemp(join(tmpdir(), 'lapse-xlsx-'));
  try {
    const file = join(dir, 'export.xlsx');
    await writeFile(file, bytes);
    // 44,34,76: comma, double quote, UTF-8; the last token -1 writes every sheet to its own file.
    const filter = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1';
    const profile = `-env:UserInstallation=file://${join(dir, 'profile')}`;
    await execFileAsync('libreoffice', [profile, '--headless', '--convert-to', filter, '--outdir', dir, file], {
      timeout: 110_000,
    });
    const sheets = new Map<string, string[][]>();
    for (const name of sheetNames) {
      sheets.set(name, parse(await readFile(join(dir, `export-${name}.csv`), 'utf8'), { relax_column_count: true }));
    }
    return sheets;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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
    const column = (header: string) => HEADERS.indexOf(header) + 1;
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
    expect(() => streamXlsx(generateCompanies(1), { maxDataRowsPerSheet: 0 })).toThrow(RangeError);
    expect(() => streamXlsx(generateCompanies(1), { maxDataRowsPerSheet: 1_048_576 })).toThrow(RangeError);
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
