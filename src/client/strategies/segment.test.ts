import { describe, expect, it } from 'vitest';
import { searchCompanyDto } from '../../../test/support/search-company-dto.js';
import { expiredOn, withSegment } from './criterion.js';
import { assertCheckable, itemCheck as checkOf, createSegment } from './segment.js';

/** A row check; an item no row can answer matches nothing here. */
const itemCheck = (filterItem: Parameters<typeof checkOf>[0]) => checkOf(filterItem) ?? (() => false);

const item = (FieldName: string, Operator: string, Value: string) => ({ FieldName, Operator, Value });

describe('a segment checked on a row', () => {
  it('reads text `!=` as keeping companies with no value, as the server does', () => {
    const check = itemCheck(item('IndustryName', '!=', 'Retail'));
    expect(check(searchCompanyDto('a', { industryName: null }))).toBe(true);
    expect(check(searchCompanyDto('b', { industryName: 'retail' }))).toBe(false);
  });

  it('never matches an unlimited licence on NumberOfUsers', () => {
    const check = itemCheck(item('NumberOfUsers', '!=', '3'));
    expect(check(searchCompanyDto('a', { isNumberOfUsersLimited: false }))).toBe(false);
    expect(check(searchCompanyDto('b'))).toBe(true);
  });

  it('compares a date-only value by the UTC renewal day, a date-time as an instant', () => {
    const company = searchCompanyDto('a', { licenseEndDate: '2026-01-10T12:00:00.000Z' });
    expect(itemCheck(item('LicenseEndDate', '<', '2026-01-11'))(company)).toBe(true);
    expect(itemCheck(item('LicenseEndDate', '<', '2026-01-10'))(company)).toBe(false);
    expect(itemCheck(item('LicenseEndDate', '<', '2026-01-10T13:00:00Z'))(company)).toBe(true);
  });

  it('takes a licence type by id or name and a tag list by Include', () => {
    const company = searchCompanyDto('a', { licenseTypeName: 'Gold', licenseTypeResourceId: 'lt1', tags: ['vip'] });
    expect(createSegment({ licenceType: 'GOLD' })?.matches(company)).toBe(true);
    expect(createSegment({ licenceType: 'lt1' })?.matches(company)).toBe(true);
    expect(createSegment({ licenceType: 'Silver' })?.matches(company)).toBe(false);
    expect(itemCheck(item('Tags', 'Include', 'x, VIP'))(company)).toBe(true);
  });

  it('leaves an item a row cannot answer to the server, and a listing refuses it', () => {
    const segment = createSegment({ items: [item('ModuleResourceId', '=', 'x')] });
    expect(segment?.uncheckable).toEqual(['ModuleResourceId']);
    expect(() => assertCheckable(segment)).toThrow(/cannot check ModuleResourceId/);
    expect(() => withSegment(expiredOn('2026-03-01'), segment)).toThrow(/cannot check/);
  });

  it('narrows a listing: both filters sent, both checked', () => {
    const criterion = withSegment(expiredOn('2026-03-01'), createSegment({ text: ' reseller b ' }));
    const body = criterion.refine({ pageNumber: 1, pageSize: 10, orderBy: 'CompanyName', ascending: true });
    expect(body.filter?.SearchInputTextValue).toBe('reseller b');
    expect(JSON.stringify(body.filter)).toContain('LicenseEndDate');
    expect(criterion.matches(searchCompanyDto('a', { resellerName: 'Reseller B' }))).toBe(true);
    expect(criterion.matches(searchCompanyDto('b'))).toBe(false);
  });
});
