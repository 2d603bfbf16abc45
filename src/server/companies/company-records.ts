// The company's field tables: where each field of each record (contract §4 SearchCompanyDto, §6 CompanyDto, §5 the
// export's cells, the filter language and orderBy) is stored. Everything that reads companies for an answer
// derives its columns, values and SQL JSON from these tables; a record's table is typed by the record, so a field
// left out, added twice or of the wrong type does not compile. Adding a field: its schema in src/contract, its
// row here (and a migration when it is stored anew).
import { sql } from 'kysely';
import {
  type CompanyDto,
  EXPORT_COLUMNS,
  type ExportCell,
  type ExportHeader,
  type FIELD_TYPES,
  type FieldName,
  licenceLimitCell,
  type OrderBy,
  type SearchCompanyDto,
  UNLIMITED,
  utcDayOfMs,
} from '../../contract/index.js';
import {
  type Column,
  constant,
  decimalText,
  derived,
  expiredOnToday,
  flag,
  instant,
  type JsonFieldTable,
  jsonRecord,
  nullableInstant,
  parseTextList,
  plain,
  type SqlField,
  storedCells,
  storedRecord,
  textList,
} from './record-fields.js';

type SearchCompanyRow = Omit<SearchCompanyDto, 'children'> & { children: null };

/** contract §4: a company as a search page lists it. */
const SEARCH_COMPANY_FIELDS: JsonFieldTable<SearchCompanyRow> = {
  companyResourceId: plain('resource_id'),
  companyName: plain('name'),
  resellerName: plain('reseller_name'),
  industryName: plain('industry_name'),
  industryResourceId: plain('industry_resource_id'),
  licenseTypeName: plain('license_type_name'),
  licenseTypeResourceId: plain('license_type_resource_id'),
  isNumberOfUsersLimited: flag('is_number_of_users_limited'),
  numberOfUsers: decimalText('number_of_users'),
  licenceExpired: expiredOnToday('license_end_at'),
  licenseEndDate: nullableInstant('license_end_at'),
  createTime: instant('created_at'),
  targetUserCount: plain('target_user_count'),
  inactiveTargetUserCount: plain('inactive_target_user_count'),
  deletedTargetUserCount: plain('deleted_target_user_count'),
  monthlyActiveUserCount: plain('monthly_active_user_count'),
  tags: textList('tags'),
  privacyDurationId: plain('privacy_duration_id'),
  children: constant(null),
};

/** The search record; its rows lead with the id and parent id, for clustering by reseller. */
export const SEARCH_COMPANY = jsonRecord(SEARCH_COMPANY_FIELDS, ['id', 'parent_id']);

/** contract §6: a company as `GET /api/companies/{resourceId}` returns it. */
export const COMPANY_DTO = storedRecord<CompanyDto>({
  resourceId: plain('resource_id'),
  name: plain('name'),
  description: plain('description'),
  industryResourceId: plain('industry_resource_id'),
  industryName: plain('industry_name'),
  countryResourceId: plain('country_resource_id'),
  countryName: plain('country_name'),
  countryCode: plain('country_code'),
  licenseTypeResourceId: plain('license_type_resource_id'),
  licenseTypeName: plain('license_type_name'),
  licensePeriodTypeResourceId: plain('license_period_type_resource_id'),
  licensePeriodTypeName: plain('license_period_type_name'),
  licenseStartDate: nullableInstant('license_start_at'),
  licenseEndDate: nullableInstant('license_end_at'),
  isNumberOfUsersLimited: flag('is_number_of_users_limited'),
  numberOfUsers: plain('number_of_users'),
  parentId: plain('parent_id'),
  statusId: plain('status_id'),
  statusName: plain('status_name'),
  licenseModules: textList('license_modules'),
  targetUserCount: plain('target_user_count'),
  timeZoneId: plain('time_zone_id'),
  dateFormat: plain('date_format'),
  timeFormat: plain('time_format'),
  tags: textList('tags'),
});

const dayOrNull = (ms: number | null) => (ms === null ? null : utcDayOfMs(ms));

/**
 * contract §5: each export cell from stored columns, with no SearchCompanyDto in between (an export reads every
 * matching row, and a DTO per row cost more than reading it); a property test holds the cells equal to
 * `exportRecordOf` of the row's SearchCompanyDto.
 */
const EXPORT_CELL_FIELDS: { readonly [H in ExportHeader]: SqlField<ExportCell> } = {
  'Company Name': plain('name'),
  'Company ID': plain('resource_id'),
  'Reseller Name': plain('reseller_name'),
  Industry: plain('industry_name'),
  'License Type': plain('license_type_name'),
  'Target Users': plain('target_user_count'),
  'Inactive Users': plain('inactive_target_user_count'),
  'Deleted Users': plain('deleted_target_user_count'),
  'Monthly Users': plain('monthly_active_user_count'),
  'License Limit': derived(
    ['is_number_of_users_limited', 'number_of_users'],
    (isLimited, limit) => licenceLimitCell(isLimited !== 0, limit),
    // "Unlimited" is text in a number column: written as a text field here, so the number column keeps it as is.
    (csv, isLimited, limit) =>
      sql`case when ${isLimited} <> 0 then (${limit})::text else ${csv.text(sql.lit(UNLIMITED))} end`,
  ),
  Tags: derived(
    ['tags'],
    (tags) => parseTextList(tags).join(', '),
    (csv, tags) => csv.joinedTextList(tags, ', '),
  ),
  'Renewal Date': derived(['license_end_at'], dayOrNull, (csv, end) => csv.utcDay(end)),
  'Date Created': derived(['created_at'], utcDayOfMs, (csv, created) => csv.utcDay(created)),
  'License Expired': expiredOnToday('license_end_at'),
};

/** The export's cells, in the contract's column order. */
export const EXPORT_CELLS = storedCells(
  EXPORT_COLUMNS.map((column) => ({ field: EXPORT_CELL_FIELDS[column.header], kind: column.kind })),
);

/** The filter fields stored in a column of their own (MonthlyActiveUser and the training fields have none). */
export type ColumnFieldName = {
  [F in FieldName]: (typeof FIELD_TYPES)[F] extends 'usageMonth' | 'training' ? never : F;
}[FieldName];

/** contract §4 filter fields: text fields compare folded (lower-cased) columns; Tags the folded tag list. */
export const FILTER_COLUMNS: { readonly [F in ColumnFieldName]: Column } = {
  CompanyName: 'name_folded',
  ResellerName: 'reseller_name_folded',
  IndustryName: 'industry_name_folded',
  LicenseTypeName: 'license_type_name_folded',
  Tags: 'tags_folded',
  IndustryResourceId: 'industry_resource_id',
  LicenseTypeResourceId: 'license_type_resource_id',
  CompanyResourceId: 'resource_id',
  ModuleResourceId: 'license_modules',
  TargetUserCount: 'target_user_count',
  NumberOfUsers: 'number_of_users',
  MonthlyActiveUserCount: 'monthly_active_user_count',
  LicenseEndDate: 'license_end_at',
  CreateTime: 'created_at',
  LicenceExpired: 'license_end_at',
};

/** contract §4 orderBy: the column each order sorts on, and whether it holds nulls (first ascending). */
export const ORDER_COLUMNS: { readonly [O in OrderBy]: { column: Column; isNullable: boolean } } = {
  CompanyName: { column: 'name_folded', isNullable: false },
  ResellerName: { column: 'reseller_name_folded', isNullable: true },
  IndustryName: { column: 'industry_name_folded', isNullable: true },
  LicenseTypeName: { column: 'license_type_name_folded', isNullable: true },
  TargetUserCount: { column: 'target_user_count', isNullable: false },
  NumberOfUsers: { column: 'number_of_users', isNullable: false },
  MonthlyActiveUserCount: { column: 'monthly_active_user_count', isNullable: false },
  Tags: { column: 'tags_folded', isNullable: false },
  LicenseEndDate: { column: 'license_end_at', isNullable: true },
  CreateTime: { column: 'created_at', isNullable: false },
};

/** The stored search row's columns, in the order search pages and clustered pages read them. */
export const SEARCH_ROW_COLUMNS = SEARCH_COMPANY.columns;
/** The stored columns the export's cells are made of, in the order exports read them. */
export const EXPORT_ROW_COLUMNS = EXPORT_CELLS.columns;
