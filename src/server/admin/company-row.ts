// The one place a company's stored row is built from its fields: every write (seed, create, update, import)
// goes through it, so the denormalised names, folded columns, path and depth are always filled the same way.
import type { Insertable } from 'kysely';
import type { CompaniesTable } from '../db/index.js';
import { childPath, depthOf, foldTags, foldText } from '../db/index.js';

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

/**
 * The stored columns a write sets as given, with no copies kept elsewhere: every column of the row that
 * buildCompanyRow does not build (the company's profile, contract §6). A new such column is a profile column by
 * itself.
 */
export type CompanyProfile = Partial<Omit<CompanyRow, keyof ReturnType<typeof builtColumns> | 'is_over_limit'>>;

const foldNullable = (text: string | null) => (text === null ? null : foldText(text));

function builtColumns(fields: CompanyFields, parent: ParentPlacement | null) {
  const resellerName = parent?.name ?? null;
  const industryName = fields.industry?.name ?? null;
  const licenseTypeName = fields.licenseType?.name ?? null;
  const path = childPath(parent?.path ?? null, fields.resourceId);
  return {
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
  } satisfies CompanyRow;
}

export function buildCompanyRow(fields: CompanyFields, parent: ParentPlacement | null): CompanyRow {
  const row: CompanyRow = builtColumns(fields, parent);
  // Assigned, not spread into a new literal: the seed builds a million rows.
  return fields.profile === undefined ? row : Object.assign(row, fields.profile);
}
