// The filter language's fields (contract §4) mapped to the columns that hold them.
import type { FieldName } from '../../../contract/index.js';
import type { CompaniesTable } from '../../db/schema.js';

type Column = keyof CompaniesTable & string;

/** Text fields compare folded (lower-cased) columns; Tags is the separator-delimited folded tag list. */
export const FIELD_COLUMNS: Record<FieldName, Column> = {
  CompanyName: 'name_folded',
  ResellerName: 'reseller_name_folded',
  IndustryName: 'industry_name_folded',
  LicenseTypeName: 'license_type_name_folded',
  Tags: 'tags_folded',
  IndustryResourceId: 'industry_resource_id',
  LicenseTypeResourceId: 'license_type_resource_id',
  CompanyResourceId: 'resource_id',
  TargetUserCount: 'target_user_count',
  NumberOfUsers: 'number_of_users',
  MonthlyActiveUserCount: 'monthly_active_user_count',
  LicenseEndDate: 'license_end_at',
  CreateTime: 'created_at',
  LicenceExpired: 'license_end_at',
};
