// An operator's company fields (names, YYYY-MM-DD days, counts) checked and turned into stored fields.
import {
  dayOf,
  dayStartUtc,
  EARLIEST_INSTANT,
  isValidTimeZone,
  LATEST_INSTANT,
  parseDay,
  parseInstant,
} from '../../contract/index.js';
import type { Db } from '../db/index.js';
import { TAG_SEPARATOR } from '../db/index.js';
import { AdminError } from './admin-error.js';
import { resolveCatalogueEntry, type StoredCompany } from './company-reference.js';
import type { CompanyFields, CompanyProfile } from './company-row.js';

export interface CompanyChanges {
  name?: string;
  /** Resource id or unique name of the reseller (parent); null only for the platform root. */
  parent?: string | null;
  /** Resource id or name; a new name is added to the catalogue. null or '' clears it. */
  industry?: string | null;
  licenseType?: string | null;
  /** `YYYY-MM-DD` (UTC midnight) or an ISO-8601 date-time with a zone. */
  licenseStartDate?: string | null;
  /** The renewal date; null is an open-ended licence. */
  licenseEndDate?: string | null;
  /** When the company was created (`YYYY-MM-DD` or date-time). */
  createdDate?: string;
  isNumberOfUsersLimited?: boolean;
  numberOfUsers?: number;
  targetUserCount?: number;
  inactiveTargetUserCount?: number;
  deletedTargetUserCount?: number;
  monthlyActiveUserCount?: number;
  privacyDurationId?: number;
  tags?: readonly string[];
  timeZoneId?: string | null;
  /** Profile columns to set as given (the rest of the stored profile stays). */
  profile?: CompanyProfile;
}

const COUNT_FIELDS = [
  'numberOfUsers',
  'targetUserCount',
  'inactiveTargetUserCount',
  'deletedTargetUserCount',
  'monthlyActiveUserCount',
  'privacyDurationId',
] as const;

function checkCount(field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new AdminError(`${field} must be a whole number ≥ 0, not ${value}`);
  return value;
}

function checkName(name: string): string {
  if (name.trim() === '') throw new AdminError('A company name cannot be blank');
  return name;
}

function checkTags(tags: readonly string[]): string[] {
  for (const tag of tags) {
    if (tag.trim() === '') throw new AdminError('A tag cannot be blank');
    // The folded tags column separates tags with this character, and the export joins tags with ", ".
    if (tag.includes(TAG_SEPARATOR) || tag.includes(', ')) {
      throw new AdminError(`The tag "${tag}" cannot contain ", " or a control character`);
    }
  }
  return [...tags];
}

/**
 * A day or date-time to epoch ms. A day equal to the current value's UTC day keeps the current instant, so
 * writing back what the export showed (days only) does not move a 23:30Z renewal to midnight.
 */
function instantOf(field: string, text: string, current: number | null): number {
  const day = parseDay(text);
  if (day !== undefined) return current !== null && dayOf(current) === day ? current : dayStartUtc(day);
  const instant = parseInstant(text);
  if (instant === undefined)
    throw new AdminError(`${field} must be a YYYY-MM-DD day or an ISO-8601 date-time, not "${text}"`);
  // An offset can carry a date-time past the years a day can name (9999-12-31T23:30-01:00 is in year 10000).
  if (instant < EARLIEST_INSTANT || instant > LATEST_INSTANT)
    throw new AdminError(`${field} must fall in the years 0000 to 9999 in UTC, not "${text}"`);
  return instant;
}

const instantOrNull = (field: string, text: string | null, current: number | null) =>
  text === null || text === '' ? null : instantOf(field, text, current);

async function catalogueChange(db: Db, table: 'industries' | 'license_types', reference: string | null) {
  return reference === null || reference === '' ? null : resolveCatalogueEntry(db, table, reference);
}

/** The stored fields these changes set (parent aside); `existing` is the company being changed, if any. */
export async function resolveFieldChanges(
  db: Db,
  changes: CompanyChanges,
  existing: StoredCompany | null,
): Promise<Partial<CompanyFields>> {
  const fields: Partial<CompanyFields> = {};
  if (changes.name !== undefined) fields.name = checkName(changes.name);
  if (changes.industry !== undefined) fields.industry = await catalogueChange(db, 'industries', changes.industry);
  if (changes.licenseType !== undefined) {
    fields.licenseType = await catalogueChange(db, 'license_types', changes.licenseType);
  }
  if (changes.licenseStartDate !== undefined) {
    fields.licenseStartAt = instantOrNull(
      'licenseStartDate',
      changes.licenseStartDate,
      existing?.license_start_at ?? null,
    );
  }
  if (changes.licenseEndDate !== undefined) {
    fields.licenseEndAt = instantOrNull('licenseEndDate', changes.licenseEndDate, existing?.license_end_at ?? null);
  }
  if (changes.createdDate !== undefined) {
    fields.createdAt = instantOf('createdDate', changes.createdDate, existing?.created_at ?? null);
  }
  if (changes.isNumberOfUsersLimited !== undefined) fields.isNumberOfUsersLimited = changes.isNumberOfUsersLimited;
  for (const key of COUNT_FIELDS) {
    const value = changes[key];
    if (value !== undefined) fields[key] = checkCount(key, value);
  }
  if (changes.tags !== undefined) fields.tags = checkTags(changes.tags);
  if (changes.timeZoneId !== undefined && changes.timeZoneId !== null && !isValidTimeZone(changes.timeZoneId)) {
    throw new AdminError(`"${changes.timeZoneId}" is not an IANA time zone`);
  }
  if (changes.timeZoneId !== undefined) fields.timeZoneId = changes.timeZoneId || null;
  if (changes.profile !== undefined) fields.profile = changes.profile;
  return fields;
}

/** The stored row back as fields, so an update can change some and rebuild the row whole. */
export function fieldsOfStored(company: StoredCompany): CompanyFields {
  const entry = (resourceId: string | null, name: string | null) =>
    resourceId === null ? null : { resourceId, name: name ?? '' };
  return {
    resourceId: company.resource_id,
    name: company.name,
    industry: entry(company.industry_resource_id, company.industry_name),
    licenseType: entry(company.license_type_resource_id, company.license_type_name),
    isNumberOfUsersLimited: company.is_number_of_users_limited === 1,
    numberOfUsers: company.number_of_users,
    licenseStartAt: company.license_start_at,
    licenseEndAt: company.license_end_at,
    createdAt: company.created_at,
    targetUserCount: company.target_user_count,
    inactiveTargetUserCount: company.inactive_target_user_count,
    deletedTargetUserCount: company.deleted_target_user_count,
    monthlyActiveUserCount: company.monthly_active_user_count,
    tags: JSON.parse(company.tags) as string[],
    privacyDurationId: company.privacy_duration_id,
    timeZoneId: company.time_zone_id,
  };
}
