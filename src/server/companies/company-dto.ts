// Database rows as the contract's DTOs (SearchCompanyDto §4, CompanyDto §6).
import type { CompanyDto, SearchCompanyDto } from '../../contract/index.js';
import type { CompanyRow, SearchRow } from './search-query.js';

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function parseTags(json: string): string[] {
  const tags: unknown = JSON.parse(json);
  return Array.isArray(tags) ? tags.map(String) : [];
}

export function toSearchCompanyDto(row: SearchRow, todayStartMs: number): SearchCompanyDto {
  return {
    companyResourceId: row.resource_id,
    companyName: row.name,
    resellerName: row.reseller_name,
    industryName: row.industry_name,
    industryResourceId: row.industry_resource_id,
    licenseTypeName: row.license_type_name,
    licenseTypeResourceId: row.license_type_resource_id,
    isNumberOfUsersLimited: row.is_number_of_users_limited !== 0,
    // contract §4: the licence limit is a string, as the vendor sends it.
    numberOfUsers: String(row.number_of_users),
    licenceExpired: row.license_end_at !== null && row.license_end_at < todayStartMs,
    licenseEndDate: isoOrNull(row.license_end_at),
    createTime: new Date(row.created_at).toISOString(),
    targetUserCount: row.target_user_count,
    inactiveTargetUserCount: row.inactive_target_user_count,
    deletedTargetUserCount: row.deleted_target_user_count,
    monthlyActiveUserCount: row.monthly_active_user_count,
    tags: parseTags(row.tags),
    privacyDurationId: row.privacy_duration_id,
    children: null,
  };
}

export function toCompanyDto(row: CompanyRow, parentResourceId: string | null): CompanyDto {
  return {
    resourceId: row.resource_id,
    name: row.name,
    licenseTypeName: row.license_type_name,
    licenseStartDate: isoOrNull(row.license_start_at),
    licenseEndDate: isoOrNull(row.license_end_at),
    isNumberOfUsersLimited: row.is_number_of_users_limited !== 0,
    numberOfUsers: row.number_of_users,
    targetUserCount: row.target_user_count,
    timeZoneId: row.time_zone_id,
    tags: parseTags(row.tags),
    parentResourceId,
  };
}
