import { describe, expect, it } from 'vitest';
import { searchCompanyDto } from '../../test/support/search-company-dto.js';
import type { SearchCompanyDto } from '../contract/index.js';
import { indexCompany, matchesFilter, sortCompanies } from './company-order.js';

const ids = (rows: { dto: SearchCompanyDto }[]) => rows.map((row) => row.dto.companyResourceId);

describe('company order', () => {
  const rows = [
    searchCompanyDto('c', { companyName: 'Émile SA', licenseEndDate: null, numberOfUsers: '3', targetUserCount: 9 }),
    searchCompanyDto('a', { companyName: 'alpha', resellerName: 'Other', licenseEndDate: '2025-06-01T23:30:00.000Z' }),
    searchCompanyDto('b', { companyName: 'Beta', isNumberOfUsersLimited: false, targetUserCount: 50 }),
    searchCompanyDto('d', { companyName: 'beta', licenseEndDate: '2025-06-01T00:00:00.000Z' }),
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
    expect(
      ids(rows.filter(matchesFilter({ search: 'BETA', reseller: '', licenceType: '', state: '' }, () => 'active'))),
    ).toEqual(['b', 'd']);
    expect(
      ids(rows.filter(matchesFilter({ search: 'othe', reseller: '', licenceType: '', state: '' }, () => 'active'))),
    ).toEqual(['a']);
    expect(
      ids(
        rows.filter(matchesFilter({ search: '', reseller: 'Reseller A', licenceType: '', state: '' }, () => 'active')),
      ),
    ).toEqual(['c', 'b', 'd']);
  });
});
