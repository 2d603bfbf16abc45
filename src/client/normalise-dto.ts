// Turns what a server sent into the contract's DTOs (contract §4, §6, §8): any key case, numbers sent as
// strings, `numberOfUsers` as a number, dates with or without a zone offset (none = UTC), extra fields dropped.
import type { CompanyDto, MyCompanyNode, SearchCompanyDto, SearchPage } from '../contract/index.js';
import { isRecord, readKey } from './envelope.js';

function toInteger(value: unknown, fallback = 0): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Math.trunc(Number(value));
  }
  return fallback;
}

function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : String(value);
}

function toBoolean(value: unknown): boolean {
  if (typeof value === 'string') return value.toLowerCase() === 'true' || value === '1';
  return value === true || value === 1;
}

const ZONED = /(Z|[+-]\d{2}:?\d{2})$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * contract §8: dates come with or without a zone offset; one without is UTC. Returns an ISO-8601 UTC
 * date-time (`…Z`), or the text unchanged when it is not a date at all (never silently a wrong day).
 */
const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function normaliseDateTime(value: unknown): string | null {
  const text = toText(value);
  if (text === null || text === '') return null;
  const trimmed = text.trim();
  // Already canonical (what lapse and most servers send): parsing and re-printing would give it back unchanged.
  if (CANONICAL_INSTANT.test(trimmed)) return trimmed;
  const zoned = DATE_ONLY.test(trimmed)
    ? `${trimmed}T00:00:00Z`
    : ZONED.test(trimmed)
      ? trimmed.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
      : `${trimmed}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? trimmed : new Date(ms).toISOString();
}

function toTags(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((tag) => String(tag));
  if (typeof value === 'string' && value !== '') return value.split(',').map((tag) => tag.trim());
  return [];
}

const SEARCH_COMPANY_KEY_COUNT = 19;
const isInteger = (value: unknown) => Number.isInteger(value);
const isTextOrNull = (value: unknown) => value === null || typeof value === 'string';

/**
 * Whether a row is already exactly a SearchCompanyDto, as lapse and well-behaved servers send it: every key in
 * camelCase with its contract type, dates canonical, no extra keys, no children. Such a row is taken as it is;
 * copying a thousand rows per page field by field costs more than reading them.
 */
function isCanonicalSearchCompany(row: Record<string, unknown>): row is Record<string, unknown> & SearchCompanyDto {
  let keyCount = 0;
  for (const _ in row) keyCount++;
  const { licenseEndDate, createTime, tags } = row;
  return (
    keyCount === SEARCH_COMPANY_KEY_COUNT &&
    typeof row.companyResourceId === 'string' &&
    typeof row.companyName === 'string' &&
    isTextOrNull(row.resellerName) &&
    isTextOrNull(row.industryName) &&
    isTextOrNull(row.industryResourceId) &&
    isTextOrNull(row.licenseTypeName) &&
    isTextOrNull(row.licenseTypeResourceId) &&
    typeof row.isNumberOfUsersLimited === 'boolean' &&
    typeof row.numberOfUsers === 'string' &&
    typeof row.licenceExpired === 'boolean' &&
    (licenseEndDate === null || (typeof licenseEndDate === 'string' && CANONICAL_INSTANT.test(licenseEndDate))) &&
    typeof createTime === 'string' &&
    CANONICAL_INSTANT.test(createTime) &&
    isInteger(row.targetUserCount) &&
    isInteger(row.inactiveTargetUserCount) &&
    isInteger(row.deletedTargetUserCount) &&
    isInteger(row.monthlyActiveUserCount) &&
    Array.isArray(tags) &&
    tags.every((tag) => typeof tag === 'string') &&
    isInteger(row.privacyDurationId) &&
    row.children === null
  );
}

export function normaliseSearchCompany(raw: unknown): SearchCompanyDto {
  if (isRecord(raw) && isCanonicalSearchCompany(raw)) return raw;
  const record = isRecord(raw) ? raw : {};
  const get = (key: string) => readKey(record, key);
  const children = get('children');
  return {
    companyResourceId: toText(get('companyResourceId')) ?? '',
    companyName: toText(get('companyName')) ?? '',
    resellerName: toText(get('resellerName')),
    industryName: toText(get('industryName')),
    industryResourceId: toText(get('industryResourceId')),
    licenseTypeName: toText(get('licenseTypeName')),
    licenseTypeResourceId: toText(get('licenseTypeResourceId')),
    isNumberOfUsersLimited: toBoolean(get('isNumberOfUsersLimited')),
    // contract §4: the licence limit is a string, as the vendor sends it (§8: some send a number).
    numberOfUsers: toText(get('numberOfUsers')) ?? '0',
    licenceExpired: toBoolean(get('licenceExpired') ?? get('licenseExpired')),
    licenseEndDate: normaliseDateTime(get('licenseEndDate')),
    createTime: normaliseDateTime(get('createTime')) ?? '',
    targetUserCount: toInteger(get('targetUserCount')),
    inactiveTargetUserCount: toInteger(get('inactiveTargetUserCount')),
    deletedTargetUserCount: toInteger(get('deletedTargetUserCount')),
    monthlyActiveUserCount: toInteger(get('monthlyActiveUserCount')),
    tags: toTags(get('tags')),
    privacyDurationId: toInteger(get('privacyDurationId')),
    children: Array.isArray(children) ? children.map(normaliseSearchCompany) : null,
  };
}

export function normaliseSearchPage(raw: unknown, requested: { pageNumber: number; pageSize: number }): SearchPage {
  const record = isRecord(raw) ? raw : {};
  const get = (key: string) => readKey(record, key);
  const rawResults = get('results') ?? get('items');
  const results = Array.isArray(rawResults) ? rawResults.map(normaliseSearchCompany) : [];
  const pageSize = toInteger(get('pageSize'), requested.pageSize) || requested.pageSize;
  const totalNumberOfRecords = toInteger(get('totalNumberOfRecords') ?? get('totalCount'), results.length);
  return {
    pageNumber: toInteger(get('pageNumber'), requested.pageNumber),
    pageSize,
    totalNumberOfRecords,
    // contract §4: totalNumberOfPages = ceil(total / pageSize); computed when a server leaves it out.
    totalNumberOfPages: toInteger(get('totalNumberOfPages'), Math.ceil(totalNumberOfRecords / pageSize)),
    limitExceededCompanyCount: toInteger(get('limitExceededCompanyCount')),
    results,
  };
}

export function normaliseCompany(raw: unknown): CompanyDto {
  const record = isRecord(raw) ? raw : {};
  const get = (key: string) => readKey(record, key);
  return {
    resourceId: toText(get('resourceId')) ?? '',
    name: toText(get('name')) ?? '',
    licenseTypeName: toText(get('licenseTypeName')),
    licenseStartDate: normaliseDateTime(get('licenseStartDate')),
    licenseEndDate: normaliseDateTime(get('licenseEndDate')),
    isNumberOfUsersLimited: toBoolean(get('isNumberOfUsersLimited')),
    // contract §6: an int here (unlike the search DTO).
    numberOfUsers: toInteger(get('numberOfUsers')),
    targetUserCount: toInteger(get('targetUserCount')),
    timeZoneId: toText(get('timeZoneId')),
    tags: toTags(get('tags')),
  };
}

export function normaliseMyCompanies(raw: unknown): MyCompanyNode[] {
  const nodes = Array.isArray(raw) ? raw : raw === null || raw === undefined ? [] : [raw];
  return nodes.map((node) => {
    const record = isRecord(node) ? node : {};
    const get = (key: string) => readKey(record, key);
    return {
      name: toText(get('name')) ?? '',
      resourceId: toText(get('resourceId')) ?? '',
      licenceExpired: toBoolean(get('licenceExpired') ?? get('licenseExpired')),
      children: normaliseMyCompanies(get('children') ?? []),
    };
  });
}
