// The wire checks fail on what breaks the contract's schemas, naming the path and the value, and the guard on the
// test servers turns such a response into a 500 and fails the server's close().
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { type MyCompanyNode, type SearchCompanyDto, success } from '../../src/contract/index.js';
import { holdResponsesToContract } from './wire-guard.js';
import { assertCsvHeaderRow, assertExportHeaders, assertWireSchema, schemaViolationsOf } from './wire-schemas.js';

const company: SearchCompanyDto = {
  companyResourceId: 'AAAAAAAAAAAA',
  companyName: 'Blue Harbor',
  resellerName: 'Reseller',
  industryName: null,
  industryResourceId: null,
  licenseTypeName: null,
  licenseTypeResourceId: null,
  isNumberOfUsersLimited: true,
  numberOfUsers: '100',
  licenceExpired: false,
  licenseEndDate: '2026-12-01T00:00:00.000Z',
  createTime: '2024-01-01T00:00:00.000Z',
  targetUserCount: 1,
  inactiveTargetUserCount: 0,
  deletedTargetUserCount: 0,
  monthlyActiveUserCount: 0,
  tags: ['a'],
  privacyDurationId: 1,
  children: null,
};
const pageOf = (results: unknown[]) =>
  success({
    pageNumber: 1,
    pageSize: 10,
    totalNumberOfRecords: results.length,
    totalNumberOfPages: 1,
    limitExceededCompanyCount: 0,
    results,
  });

describe('the compiled contract checks', () => {
  it('pass flat and clustered pages', () => {
    expect(schemaViolationsOf('searchResult', pageOf([company]))).toEqual([]);
    expect(schemaViolationsOf('searchResult', pageOf([{ ...company, children: [company] }]))).toEqual([]);
  });

  it('name the path and the value of what breaks a page, however deep', () => {
    expect(schemaViolationsOf('searchResult', pageOf([{ ...company, numberOfUsers: 100 }]))).toContain(
      '/data/results/0/numberOfUsers: Expected string, got 100',
    );
    const child = { ...company, licenceExpired: 'no' };
    expect(schemaViolationsOf('searchResult', pageOf([{ ...company, children: [child] }]))).toContain(
      '/data/results/0/children/0/licenceExpired: Expected boolean, got "no"',
    );
    // A child's children is null: the contract nests one level.
    expect(
      schemaViolationsOf('searchResult', pageOf([{ ...company, children: [{ ...company, children: [] }] }])),
    ).not.toEqual([]);
  });

  it('refuse a property the schema does not name', () => {
    expect(schemaViolationsOf('searchResult', pageOf([{ ...company, parentResourceId: null }]))).toContain(
      '/data/results/0/parentResourceId: Unexpected property, got null',
    );
    expect(
      schemaViolationsOf('errorResult', {
        data: null,
        status: 'FORBIDDEN',
        message: 'no',
        validationMessages: null,
        error: 1,
      }),
    ).not.toEqual([]);
  });

  it('walk the /my tree to any depth', () => {
    const leaf = { name: 'c', resourceId: 'C', licenceExpired: 1, children: [], parentResourceId: 'B' };
    const tree: unknown[] = [
      {
        name: 'a',
        resourceId: 'A',
        licenceExpired: false,
        children: [{ ...leaf, licenceExpired: true, children: [leaf] }],
      },
    ];
    expect(schemaViolationsOf('myCompaniesResult', success(tree))).toContain(
      '/data/0/children/0/children/0/licenceExpired: Expected boolean, got 1',
    );
    expect(schemaViolationsOf('myCompaniesResult', success(tree))).toContain(
      '/data/0/children/0/children/0/parentResourceId: Unexpected property, got "B"',
    );
    const good: MyCompanyNode[] = [{ name: 'a', resourceId: 'A', licenceExpired: false, children: [] }];
    expect(schemaViolationsOf('myCompaniesResult', success(good))).toEqual([]);
  });

  it('throw with the check, the exchange and each violation', () => {
    expect(() =>
      assertWireSchema(
        'errorResult',
        { data: null, status: 'NOPE', message: null, validationMessages: null },
        'POST /x',
      ),
    ).toThrow(
      /^POST \/x breaks errorResult:\n {2}\/status: Expected 'SUCCESS' or .* or Expected 'SERVICE_UNAVAILABLE', got "NOPE"$/,
    );
  });

  it('hold an export to its content type, file name and header row', () => {
    const headers = (entries: Record<string, string>) => new Headers(entries);
    expect(
      assertExportHeaders(
        headers({
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': 'attachment; filename="Companies.csv"',
        }),
      ),
    ).toBe('CSV');
    expect(() =>
      assertExportHeaders(
        headers({
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': 'attachment; filename="Companies.xlsx"',
        }),
      ),
    ).toThrow(/Content-Disposition/);
    expect(() => assertExportHeaders(headers({ 'content-type': 'text/csv' }))).toThrow(/Content-Type "text\/csv"/);
    expect(() => assertCsvHeaderRow(Buffer.from('\uFEFFCompany Name,Company ID\r\n'))).toThrow(/header row/);
    expect(() => assertCsvHeaderRow(Buffer.from('Company Name\r\n'))).toThrow(/byte-order mark/);
  });
});

describe('the guard on test servers', () => {
  it('turns a response that breaks its schema into a 500 naming it, and fails close()', async () => {
    const app = Fastify();
    app.post('/api/companies/search', async (_, reply) =>
      reply.type('application/json').send(Buffer.from(JSON.stringify(pageOf([{ ...company, tags: 'a' }])))),
    );
    app.get('/api/companies/my', async () => success([]));
    const guard = holdResponsesToContract(app);
    await app.ready();
    expect((await app.inject({ method: 'GET', url: '/api/companies/my' })).statusCode).toBe(200);
    guard.assertNoViolations();
    const response = await app.inject({ method: 'POST', url: '/api/companies/search', payload: {} });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({ data: null, status: 'INTERNAL_SERVER_ERROR' });
    expect(response.json().message).toContain('/data/results/0/tags: Expected array, got "a"');
    expect(() => guard.assertNoViolations()).toThrow(/\/data\/results\/0\/tags/);
    await app.close();
  });
});
