import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { describe, expect, it } from 'vitest';
import { CompanyDtoSchema, MyCompanyNodeSchema } from '../contract/index.js';
import {
  normaliseCompany,
  normaliseDateTime,
  normaliseMyCompanies,
  normaliseSearchCompany,
  normaliseSearchPage,
} from './normalise-dto.js';

const wireCompany = {
  companyResourceId: 'Abc123Def456',
  companyName: 'Acme',
  resellerName: 'Reseller One',
  industryName: null,
  industryResourceId: null,
  licenseTypeName: 'Pro',
  licenseTypeResourceId: 'LicType00001',
  isNumberOfUsersLimited: true,
  numberOfUsers: '50',
  licenceExpired: false,
  licenseEndDate: '2026-03-01T00:00:00.000Z',
  createTime: '2024-01-02T03:04:05.000Z',
  targetUserCount: 60,
  inactiveTargetUserCount: 1,
  deletedTargetUserCount: 2,
  monthlyActiveUserCount: 3,
  tags: ['a', 'b'],
  privacyDurationId: 4,
  children: null,
};

describe('normaliseDateTime', () => {
  it('reads a date-time without an offset as UTC', () => {
    expect(normaliseDateTime('2026-03-01T23:30:00')).toBe('2026-03-01T23:30:00.000Z');
  });
  it('converts an offset to UTC, which can change the calendar day', () => {
    expect(normaliseDateTime('2026-03-01T01:00:00+02:00')).toBe('2026-02-28T23:00:00.000Z');
    expect(normaliseDateTime('2026-03-01T01:00:00+0200')).toBe('2026-02-28T23:00:00.000Z');
  });
  it('reads a date-only value as its UTC midnight, and keeps null', () => {
    expect(normaliseDateTime('2026-03-01')).toBe('2026-03-01T00:00:00.000Z');
    expect(normaliseDateTime(null)).toBeNull();
  });
});

describe('normaliseSearchCompany', () => {
  it('leaves a contract DTO as it is', () => {
    expect(normaliseSearchCompany(wireCompany)).toEqual(wireCompany);
    expect(normaliseSearchCompany({ ...wireCompany, licenseEndDate: null })).toEqual({
      ...wireCompany,
      licenseEndDate: null,
    });
  });

  // A row already in contract form is taken as it is; one step away from it and it is read field by field.
  it.each([
    ['an extra key', { extra: 1 }, {}],
    ['a count sent as a string', { targetUserCount: '60' }, {}],
    ['a fractional count', { targetUserCount: 60.7 }, {}],
    ['numberOfUsers as a number', { numberOfUsers: 50 }, {}],
    ['a boolean sent as text', { licenceExpired: 'false' }, {}],
    ['a date without milliseconds', { licenseEndDate: '2026-03-01T00:00:00Z' }, {}],
    ['a creation time with an offset', { createTime: '2024-01-02T05:04:05+02:00' }, {}],
    ['a tag that is a number', { tags: [1, 'b'] }, { tags: ['1', 'b'] }],
    ['children', { children: [] }, { children: [] }],
  ])('reads a row with %s into the contract form', (_case, change, expected) => {
    const row = { ...wireCompany, ...change };
    const read = normaliseSearchCompany(row);
    expect(read).not.toBe(row);
    expect(read).toEqual({ ...wireCompany, ...expected });
  });

  it('takes a row in contract form as it is, without copying it', () => {
    const row = { ...wireCompany };
    expect(normaliseSearchCompany(row)).toBe(row);
  });

  it('reads PascalCase keys, numbers sent as strings, numberOfUsers as a number, and drops extra fields', () => {
    const pascal = Object.fromEntries(
      Object.entries(wireCompany).map(([key, value]) => [key.charAt(0).toUpperCase() + key.slice(1), value]),
    );
    const odd = {
      ...pascal,
      NumberOfUsers: 50,
      TargetUserCount: '60',
      PrivacyDurationId: '4',
      LicenseEndDate: '2026-03-01T00:00:00',
      Extra: 1,
    };
    expect(normaliseSearchCompany(odd)).toEqual(wireCompany);
  });
});

describe('normaliseSearchPage', () => {
  it('reads counts sent as strings and computes totalNumberOfPages when it is missing', () => {
    const page = normaliseSearchPage(
      { PageNumber: '2', PageSize: '10', TotalNumberOfRecords: '25', Results: [wireCompany] },
      { pageNumber: 2, pageSize: 10 },
    );
    expect(page).toMatchObject({ pageNumber: 2, pageSize: 10, totalNumberOfRecords: 25, totalNumberOfPages: 3 });
    expect(page.results).toHaveLength(1);
  });
});

describe('normaliseCompany', () => {
  it('keeps numberOfUsers an int for the single-company DTO', () => {
    expect(normaliseCompany({ resourceId: 'x', name: 'n', numberOfUsers: '12', tags: [] }).numberOfUsers).toBe(12);
  });

  it("reads the vendor's fuller CompanyDto in any key case, ints sent as text, dates at an offset", () => {
    const company = normaliseCompany({
      ResourceId: 'Abc123Def456',
      Name: 'Acme',
      ParentId: '7',
      StatusId: 2,
      LicenseModules: ['Phishing', 'Awareness'],
      LicenseStartDate: '2025-03-01T01:00:00+02:00',
      NumberOfUsers: 50,
      ParentResourceId: 'Zyx987Wvu654',
    });
    expect(company).toMatchObject({
      resourceId: 'Abc123Def456',
      parentId: 7,
      statusId: 2,
      licenseModules: ['Phishing', 'Awareness'],
      licenseStartDate: '2025-02-28T23:00:00.000Z',
      numberOfUsers: 50,
      description: null,
    });
    expect(company).not.toHaveProperty('parentResourceId');
    expect(Value.Check(CompanyDtoSchema, company)).toBe(true);
  });
});

describe('normaliseMyCompanies', () => {
  it('reads a tree in any key case, either spelling of licenceExpired, and a lone node as a list of one', () => {
    const tree = normaliseMyCompanies({
      Name: 'Reseller',
      ResourceId: 'Res123Res456',
      LicenseExpired: 'true',
      Children: { name: 'Acme', resourceId: 'Abc123Def456', licenceExpired: false, extra: 1 },
    });
    expect(tree).toEqual([
      {
        name: 'Reseller',
        resourceId: 'Res123Res456',
        licenceExpired: true,
        children: [{ name: 'Acme', resourceId: 'Abc123Def456', licenceExpired: false, children: [] }],
      },
    ]);
    expect(Value.Check(Type.Array(MyCompanyNodeSchema), tree)).toBe(true);
    expect(normaliseMyCompanies(null)).toEqual([]);
  });
});
