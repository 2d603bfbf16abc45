// The one place a company's stored row is built from its fields: every write (seed, create, update, import)
// goes through it, so the denormalised names, folded columns, path and depth are always filled the same way.
import type { Insertable } from 'kysely';
import { foldTags, foldText } from '../db/fold-text.js';
import type { CompaniesTable } from '../db/schema.js';
import { childPath, depthOf } from '../db/tree-path.js';

export interface CatalogueEntry {
  resourceId: string;
  name: string;
}

/** The parent as the child needs it: its id, name (the child's reseller name), path and depth. */
export interface ParentPlacement {
  id: number;
  name: string;
  path: string;
  depth: number;
}

/** The profile a company shows in its CompanyDto (contract §6) and nowhere else: stored as given. */
export interface CompanyProfile {
  description: string | null;
  country: (CatalogueEntry & { code: string }) | null;
  licensePeriodType: CatalogueEntry | null;
  status: { id: number; name: string } | null;
  licenseModules: readonly string[];
  dateFormat: string | null;
  timeFormat: string | null;
}

export interface CompanyFields {
  resourceId: string;
  name: string;
  industry: CatalogueEntry | null;
  licenseType: CatalogueEntry | null;
  isNumberOfUsersLimited: boolean;
  numberOfUsers: number;
  /** Epoch ms. */
  licenseStartAt: number | null;
  /** Epoch ms; null is an open-ended licence (contract §4: never expired). */
  licenseEndAt: number | null;
  createdAt: number;
  targetUserCount: number;
  inactiveTargetUserCount: number;
  deletedTargetUserCount: number;
  monthlyActiveUserCount: number;
  tags: readonly string[];
  privacyDurationId: number;
  timeZoneId: string | null;
  /** Absent: the stored profile stays as it is (empty for a new company). */
  profile?: CompanyProfile;
}

export type CompanyRow = Omit<Insertable<CompaniesTable>, 'id'>;

const foldNullable = (text: string | null) => (text === null ? null : foldText(text));

function profileColumns(profile: CompanyProfile): Partial<CompanyRow> {
  return {
    description: profile.description,
    country_resource_id: profile.country?.resourceId ?? null,
    country_name: profile.country?.name ?? null,
    country_code: profile.country?.code ?? null,
    license_period_type_resource_id: profile.licensePeriodType?.resourceId ?? null,
    license_period_type_name: profile.licensePeriodType?.name ?? null,
    status_id: profile.status?.id ?? null,
    status_name: profile.status?.name ?? null,
    license_modules: JSON.stringify(profile.licenseModules),
    date_format: profile.dateFormat,
    time_format: profile.timeFormat,
  };
}

export function buildCompanyRow(fields: CompanyFields, parent: ParentPlacement | null): CompanyRow {
  const resellerName = parent?.name ?? null;
  const industryName = fields.industry?.name ?? null;
  const licenseTypeName = fields.licenseType?.name ?? null;
  const path = childPath(parent?.path ?? null, fields.resourceId);
  const row: CompanyRow = {
    resource_id: fields.resourceId,
    name: fields.name,
    name_folded: foldText(fields.name),
    parent_id: parent?.id ?? null,
    path,
    depth: depthOf(path),
    reseller_name: resellerName,
    reseller_name_folded: foldNullable(resellerName),
    industry_resource_id: fields.industry?.resourceId ?? null,
    industry_name: industryName,
    industry_name_folded: foldNullable(industryName),
    license_type_resource_id: fields.licenseType?.resourceId ?? null,
    license_type_name: licenseTypeName,
    license_type_name_folded: foldNullable(licenseTypeName),
    is_number_of_users_limited: fields.isNumberOfUsersLimited ? 1 : 0,
    number_of_users: fields.numberOfUsers,
    license_start_at: fields.licenseStartAt,
    license_end_at: fields.licenseEndAt,
    created_at: fields.createdAt,
    target_user_count: fields.targetUserCount,
    inactive_target_user_count: fields.inactiveTargetUserCount,
    deleted_target_user_count: fields.deletedTargetUserCount,
    monthly_active_user_count: fields.monthlyActiveUserCount,
    tags: JSON.stringify(fields.tags),
    tags_folded: foldTags(fields.tags),
    privacy_duration_id: fields.privacyDurationId,
    time_zone_id: fields.timeZoneId,
  };
  // Assigned, not spread into the literal: the seed builds a million rows.
  return fields.profile === undefined ? row : Object.assign(row, profileColumns(fields.profile));
}
