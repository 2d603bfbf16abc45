// A SearchCompanyDto with plain values, for unit tests that care about a few of its fields.
import type { SearchCompanyDto } from '../../src/contract/index.js';

export function searchCompanyDto(id: string, fields: Partial<SearchCompanyDto> = {}): SearchCompanyDto {
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
