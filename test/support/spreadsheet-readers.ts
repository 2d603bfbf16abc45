// Independent readers for the export's spreadsheets: exceljs for .xlsx, and LibreOffice headless converting every
// sheet to CSV. Tests compare what they read with what they expect, cell by cell, as text.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { EXPORT_COLUMNS } from '../../src/contract/index.js';

const HEADERS = EXPORT_COLUMNS.map((column) => column.header);

export async function loadWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}
// exceljs leaves ECMA-376 `_xHHHH_` escapes in inline strings as they are; Excel and LibreOffice decode them.
const decodeXstring = (text: string) =>
  text.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));

export function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'string') return decodeXstring(value);
  return String(value);
}

/** Every sheet's rows as text, header row included, keyed by sheet name in workbook order. */
export function sheetTexts(workbook: ExcelJS.Workbook): Map<string, string[][]> {
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
export async function libreOfficeSheets(bytes: Buffer, sheetNames: string[]): Promise<Map<string, string[][]>> {
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
