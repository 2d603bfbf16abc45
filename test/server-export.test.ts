// contract §5 over real HTTP: the export holds exactly the rows that paging through search with the same body
// gives, in order, as read back by independent readers (csv-parse, exceljs, LibreOffice); formulas stay text;
// sheets split past the row limit; bad requests are JSON errors before any byte.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_COLUMNS, EXPORT_CONTENT_TYPES, type SearchCompanyDto } from '../src/contract/index.js';
import { callApi, checkedBytes, fetchToken } from './support/api.js';
import { DATABASE_KINDS } from './support/databases.js';
import { PINNED_NOW_MS, PINNED_TODAY } from './support/pinned-clock.js';
import { expectedCells } from './support/sample-companies.js';
import { searchAllPages, searchPageOf } from './support/search-pages.js';
import { libreOfficeSheets, loadWorkbook, sheetTexts } from './support/spreadsheet-readers.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const HEADERS = EXPORT_COLUMNS.map((column) => column.header);
const EXPIRED_BY_RENEWAL = {
  pageNumber: 1,
  pageSize: 40,
  orderBy: 'RenewalDate',
  ascending: true,
  filter: { FilterGroups: [{ FilterItems: [{ FieldName: 'LicenseEndDate', Operator: '<', Value: PINNED_TODAY }] }] },
};

async function exportFile(server: TestServer, token: string, body: Record<string, unknown>) {
  const response = await fetch(`${server.baseUrl}/api/companies/search/export`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { response, bytes: await checkedBytes('POST', '/api/companies/search/export', response) };
}

function csvRows(bytes: Buffer): string[][] {
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const text = bytes.toString('utf8').slice(1);
  expect(text.endsWith('\r\n')).toBe(true);
  return parse(text, { relax_column_count: false });
}

describe.each(DATABASE_KINDS)('export on %s', (kind) => {
  let server: TestServer;
  let token: string;
  let searched: SearchCompanyDto[];

  beforeAll(async () => {
    server = await startTestServer({
      kind,
      companies: 400,
      today: PINNED_TODAY,
      now: () => PINNED_NOW_MS,
      config: { excelRowsPerSheet: 8 },
    });
    token = await fetchToken(server.baseUrl, server.credentials.reseller);
    searched = (await searchAllPages(server.baseUrl, { token, body: EXPIRED_BY_RENEWAL })).results;
    expect(searched.length).toBeGreaterThan(16);
  });
  afterAll(() => server.close());

  it('CSV of all pages holds the rows of paging through search, in order, with the contract headers', async () => {
    const { response, bytes } = await exportFile(server, token, {
      ...EXPIRED_BY_RENEWAL,
      exportType: 'csv',
      reportAllPages: true,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(EXPORT_CONTENT_TYPES.CSV);
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="Companies.csv"');
    expect(response.headers.get('x-total-count')).toBe(String(searched.length));
    expect(response.headers.get('x-request-id')).toBeTruthy();
    expect(csvRows(bytes)).toEqual([HEADERS, ...searched.map(expectedCells)]);
  });

  it('without reportAllPages the file holds exactly the selected page', async () => {
    const body = { ...EXPIRED_BY_RENEWAL, pageNumber: 2, pageSize: 7, orderBy: 'CompanyName', ascending: false };
    const page = await searchPageOf(server.baseUrl, { token, body }, 2);
    const { response, bytes } = await exportFile(server, token, { ...body, exportType: 'CSV' });
    expect(response.headers.get('x-total-count')).toBe('7');
    expect(csvRows(bytes)).toEqual([HEADERS, ...page.results.map(expectedCells)]);
  });

  it('Excel continues on "Companies (2)"… past the row limit, and exceljs reads the same rows back', async () => {
    const { response, bytes } = await exportFile(server, token, {
      ...EXPIRED_BY_RENEWAL,
      exportType: 'XLSX',
      reportAllPages: true,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(EXPORT_CONTENT_TYPES.Excel);
    const sheets = sheetTexts(await loadWorkbook(bytes));
    const expected = searched.map(expectedCells);
    const names = [...sheets.keys()];
    expect(names).toEqual(names.map((_, index) => (index === 0 ? 'Companies' : `Companies (${index + 1})`)));
    expect(names.length).toBe(Math.ceil(expected.length / 8));
    expect(names.length).toBeGreaterThan(2);
    for (const rows of sheets.values()) expect(rows[0]).toEqual(HEADERS);
    expect([...sheets.values()].flatMap((rows) => rows.slice(1))).toEqual(expected);
  });

  it('a company named =HYPERLINK(…) reads back as text in CSV and Excel', async () => {
    const id = server.seed.formulaCompanyResourceId;
    expect(id).toBeTruthy();
    const rootToken = await fetchToken(server.baseUrl, server.credentials.root);
    const body = {
      ...EXPIRED_BY_RENEWAL,
      filter: { FilterGroups: [{ FilterItems: [{ FieldName: 'CompanyResourceId', Operator: '=', Value: id }] }] },
    };
    const csv = await exportFile(server, rootToken, { ...body, exportType: 'CSV' });
    expect(csvRows(csv.bytes)[1]?.[0]).toBe(`'=HYPERLINK("http://x","y")`);
    const xlsx = await exportFile(server, rootToken, { ...body, exportType: 'Excel' });
    const cell = (await loadWorkbook(xlsx.bytes)).getWorksheet('Companies')?.getRow(2).getCell(1);
    expect(cell?.type).not.toBe(6); // ExcelJS.ValueType.Formula
    expect(cell?.value).toBe(`'=HYPERLINK("http://x","y")`);
  });

  it('bad requests are JSON ServiceResults, never a file', async () => {
    const badType = await exportFile(server, token, { ...EXPIRED_BY_RENEWAL, exportType: 'pdf' });
    expect(badType.response.status).toBe(400);
    expect(JSON.parse(badType.bytes.toString())).toMatchObject({
      status: 'INPUT_ERROR',
      validationMessages: ['exportType: "pdf" is not CSV or Excel'],
    });
    const missing = await exportFile(server, token, EXPIRED_BY_RENEWAL);
    expect(missing.response.status).toBe(400);
    const adminToken = await fetchToken(server.baseUrl, server.credentials.companyAdmin);
    const forbidden = await exportFile(server, adminToken, { ...EXPIRED_BY_RENEWAL, exportType: 'CSV' });
    expect(forbidden.response.status).toBe(403);
    const anonymous = await callApi(server.baseUrl, '/api/companies/search/export', {
      body: { ...EXPIRED_BY_RENEWAL, exportType: 'CSV' },
    });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.status).toBe('UNAUTHORIZED');
  });
});

describe('export read back by LibreOffice', () => {
  let server: TestServer;
  afterAll(() => server?.close());

  it('LibreOffice headless converts each sheet to the same rows as paging through search', async () => {
    server = await startTestServer({
      companies: 200,
      today: PINNED_TODAY,
      now: () => PINNED_NOW_MS,
      config: { excelRowsPerSheet: 30 },
    });
    const token = await fetchToken(server.baseUrl, server.credentials.root);
    const body = { pageNumber: 1, pageSize: 50, orderBy: 'CompanyName', ascending: true };
    const searched = (await searchAllPages(server.baseUrl, { token, body })).results;
    const { bytes } = await exportFile(server, token, { ...body, exportType: 'Excel', reportAllPages: true });
    const names = [...sheetTexts(await loadWorkbook(bytes)).keys()];
    const sheets = await libreOfficeSheets(bytes, names);
    // LibreOffice writes a cell's line breaks as LF and booleans as TRUE/FALSE.
    const normalise = (rows: string[][]) =>
      rows.map((row) => row.map((cell) => cell.replace(/\r\n/g, '\n').toLowerCase()));
    const read = names.flatMap((name) => (sheets.get(name) ?? []).slice(1));
    expect(normalise(read)).toEqual(normalise(searched.map(expectedCells)));
  }, 150_000);
});
