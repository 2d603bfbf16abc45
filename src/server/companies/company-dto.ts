// Database rows as the contract's DTOs (SearchCompanyDto §4, CompanyDto §6).
import type { CompanyDto, SearchCompanyDto } from '../../contract/index.js';
import type { CompanyRow } from './search-query.js';
import { type SearchRowValues, columnValue as value } from './search-row-values.js';

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function parseTags(json: string): string[] {
  if (json === '[]') return []; // most companies: no JSON to parse
  const tags: unknown = JSON.parse(json);
  return Array.isArray(tags) ? tags.map(String) : [];
}

/** A search row (as values, see search-row-values.ts) as the contract's SearchCompanyDto. */
export function toSearchCompanyDto(values: SearchRowValues, todayStartMs: number): SearchCompanyDto {
  const licenseEndAt = value(values, 'license_end_at');
  return {
    companyResourceId: value(values, 'resource_id'),
    companyName: value(values, 'name'),
    resellerName: value(values, 'reseller_name'),
    industryName: value(values, 'industry_name'),
    industryResourceId: value(values, 'industry_resource_id'),
    licenseTypeName: value(values, 'license_type_name'),
    licenseTypeResourceId: value(values, 'license_type_resource_id'),
    isNumberOfUsersLimited: value(values, 'is_number_of_users_limited') !== 0,
    // contract §4: the licence limit is a string, as the vendor sends it.
    numberOfUsers: String(value(values, 'number_of_users')),
    licenceExpired: licenseEndAt !== null && licenseEndAt < todayStartMs,
    licenseEndDate: isoOrNull(licenseEndAt),
    createTime: new Date(value(values, 'created_at')).toISOString(),
    targetUserCount: value(values, 'target_user_count'),
    inactiveTargetUserCount: value(values, 'inactive_target_user_count'),
    deletedTargetUserCount: value(values, 'deleted_target_user_count'),
    monthlyActiveUserCount: value(values, 'monthly_active_user_count'),
    tags: parseTags(value(values, 'tags')),
    privacyDurationId: value(values, 'privacy_duration_id'),
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
