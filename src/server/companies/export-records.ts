// Database rows straight to export records (contract §5), with no SearchCompanyDto in between. An export reads
// every matching row, and a DTO per row (an object, two ISO date-times, parsed tags) cost more than reading the
// row; records built here equal `exportRecordOf(toSearchCompanyDto(row))`, which a property test holds them to.
import { type ExportRecord, utcDayOfMs } from '../../contract/index.js';
import { parseTags } from './company-dto.js';
import { type ExportRowValues, exportColumnValue as value } from './search-row-values.js';

const tagsText = (json: string) => parseTags(json).join(', ');

const dayOrNull = (ms: number | null) => (ms === null ? null : utcDayOfMs(ms));

/** The export record of a row (EXPORT_COLUMNS order). `todayStartMs` decides "License Expired", as for search. */
export function exportRecordOfValues(values: ExportRowValues, todayStartMs: number): ExportRecord {
  const licenseEndAt = value(values, 'license_end_at');
  return [
    value(values, 'name'),
    value(values, 'resource_id'),
    value(values, 'reseller_name'),
    value(values, 'industry_name'),
    value(values, 'license_type_name'),
    value(values, 'target_user_count'),
    value(values, 'inactive_target_user_count'),
    value(values, 'deleted_target_user_count'),
    value(values, 'monthly_active_user_count'),
    value(values, 'is_number_of_users_limited') !== 0 ? value(values, 'number_of_users') : 'Unlimited',
    tagsText(value(values, 'tags')),
    dayOrNull(licenseEndAt),
    utcDayOfMs(value(values, 'created_at')),
    licenseEndAt !== null && licenseEndAt < todayStartMs,
  ];
}
