import { describe, expect, it } from 'vitest';
import type { SearchCompanyDto } from '../contract/index.js';
import { indexCompany, matchesFilter, sortCompanies } from './company-order.js';

function company(id: string, fields: Partial<SearchCompanyDto>): SearchCompanyDto {
  return {
    companyResourceId: id,
    companyName: `Company ${id}`,
    resellerName: 'Reseller A',
    industryName: null,
    industryResourceId: null,
    licenseTypeName: null,
    licenseTypeResourceId: null,
    isNumberOfUsersLimited: true,
    numberOfUsers: '10',
    licenceExpired: false,
    licenseEndDate: '2026-01-10T12:00:00.000Z',
    createTime: '2020-01-01T00:00:00.000Z',
    targetUserCount: 5,
    inactiveTargetUserCount: 0,
    deletedTargetUserCount: 0,
    monthlyActiveUserCount: 0,
    tags: [],
    privacyDurationId: 0,
    children: null,
    ...fields,
  };
}

const ids = (rows: { dto: SearchCompanyDto }[]) => rows.map((row) => row.dto.companyResourceId);

describe('company order', () => {
  const rows = [
    company('c', { companyName: 'Émile SA', licenseEndDate: null, numberOfUsers: '3', targetUserCount: 9 }),
    company('a', { companyName: 'alpha', resellerName: 'Other', licenseEndDate: '2025-06-01T23:30:00.000Z' }),
    company('b', { companyName: 'Beta', isNumberOfUsersLimited: false, targetUserCount: 50 }),
    company('d', { companyName: 'beta', licenseEndDate: '2025-06-01T00:00:00.000Z' }),
  ].map(indexCompany);

  it('puts open-ended renewal days first ascending and last descending, ties by id', () => {
    expect(ids(sortCompanies(rows, { sort: 'renewalDay', ascending: true }))).toEqual(['c', 'a', 'd', 'b']);
    expect(ids(sortCompanies(rows, { sort: 'renewalDay', ascending: false }))).toEqual(['b', 'a', 'd', 'c']);
  });

  it('sorts names without regard to case or accents, and an unlimited licence as the highest limit', () => {
    expect(ids(sortCompanies(rows, { sort: 'companyName', ascending: true }))).toEqual(['a', 'b', 'd', 'c']);
    expect(ids(sortCompanies(rows, { sort: 'licenceLimit', ascending: false }))[0]).toBe('b');
    expect(ids(sortCompanies(rows, { sort: 'overBy', ascending: false }))).toEqual(['c', 'a', 'd', 'b']);
  });

  it('matches text in company or reseller names, case-insensitively, and one reseller exactly', () => {
    expect(ids(rows.filter(matchesFilter({ search: 'BETA', reseller: '' })))).toEqual(['b', 'd']);
    expect(ids(rows.filter(matchesFilter({ search: 'othe', reseller: '' })))).toEqual(['a']);
    expect(ids(rows.filter(matchesFilter({ search: '', reseller: 'Reseller A' })))).toEqual(['c', 'b', 'd']);
  });
});
