// The search filter's meaning (contract §4), written from the contract alone and evaluated in memory over rows
// read straight from the database: what the server's SQL must agree with. Case-insensitive means
// `toLowerCase()` on both sides; dates are parsed here, not with the contract module the server uses.
import { DAY_MS, LICENSE_MODULES } from '../../src/contract/index.js';
import type { CompanyRecord, CompanyTree, MonthlyUsage } from './company-rows.js';

export interface OracleFilterItem {
  FieldName: string;
  Operator: string;
  Value: string;
  CustomFieldName?: string;
}

export interface OracleFilterGroup {
  Condition?: string;
  FilterItems?: OracleFilterItem[];
  FilterGroups?: OracleFilterGroup[];
}

export interface OracleFilter {
  Condition?: string;
  SearchInputTextValue?: string | null;
  FilterGroups?: OracleFilterGroup[];
}

export interface OracleContext {
  tree: CompanyTree;
  /** Epoch ms of today's UTC midnight: the day that decides "expired". */
  todayStartMs: number;
  /** The monthly_usage table, read straight from the database; needed when a filter names MonthlyActiveUser. */
  usage?: MonthlyUsage;
}

const FIELD_ALIASES = new Map([
  ['renewaldate', 'licenseenddate'],
  ['licenseexpired', 'licenceexpired'],
  ['name', 'companyname'],
]);

const TRAINING_FIELDS = new Set([
  'trainingvendorid',
  'trainingenrolledmonth',
  'trainingconsumptionmonth',
  'trainingconsumptionstatus',
]);

const fold = (text: string) => text.toLowerCase();

/** contract §4: a licence is expired when its renewal day (UTC) is before today; no renewal date never is. */
export function isLicenceExpired(row: CompanyRecord, todayStartMs: number): boolean {
  return row.licenseEndAt !== null && Math.floor(row.licenseEndAt / DAY_MS) < Math.floor(todayStartMs / DAY_MS);
}

/** contract §4: over the licence limit = limited and more target users than the limit. */
export function isOverLimit(row: CompanyRecord): boolean {
  return row.isNumberOfUsersLimited && row.targetUserCount > row.numberOfUsers;
}

type DateOperand = { kind: 'day'; day: number } | { kind: 'instant'; ms: number };

function isRealDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** `YYYY-MM-DD` (a calendar day) or a date-time with `Z`, `±hh:mm` or no zone (UTC: an instant); else undefined. */
export function parseDateOperand(text: string): DateOperand | undefined {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    return isRealDay(year, month, date) ? { kind: 'day', day: Date.UTC(year, month - 1, date) / DAY_MS } : undefined;
  }
  const instant =
    /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):(\d{2})|)$/.exec(text);
  if (!instant) return undefined;
  const [year, month, date, hour, minute] = [1, 2, 3, 4, 5].map((i) => Number(instant[i]));
  if (!isRealDay(year as number, month as number, date as number) || (hour as number) > 23 || (minute as number) > 59)
    return undefined;
  const second = Number(instant[6] ?? 0);
  const millis = Number((instant[7] ?? '0').padEnd(3, '0'));
  const sign = instant[9] === '-' ? -1 : 1;
  const offsetMinutes =
    instant[8] === 'Z' || instant[8] === '' ? 0 : sign * (Number(instant[10]) * 60 + Number(instant[11]));
  const local = Date.UTC(year as number, (month as number) - 1, date, hour, minute, second, millis);
  return { kind: 'instant', ms: local - offsetMinutes * 60_000 };
}

function compareWith<T extends number | bigint>(operator: string, left: T, right: T): boolean {
  switch (operator) {
    case '=':
      return left === right;
    case '!=':
      return left !== right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    default:
      throw new Error(`operator ${operator} is not a comparison`);
  }
}

function matchesDate(stored: number | null, operator: string, value: string): boolean {
  const operand = parseDateOperand(value.trim());
  if (!operand) throw new Error(`oracle: ${JSON.stringify(value)} is not a date the contract accepts`);
  // contract §4: no renewal date never matches a date comparison, whatever the operator.
  if (stored === null) return false;
  return operand.kind === 'day'
    ? compareWith(operator, Math.floor(stored / DAY_MS), operand.day)
    : compareWith(operator, stored, operand.ms);
}

/** contract §4: a number value is an exact decimal; both sides are scaled to whole numbers of its last digit. */
function matchesNumber(stored: number, operator: string, value: string): boolean {
  const number = /^([+-]?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!number) throw new Error(`oracle: ${JSON.stringify(value)} is not a number the contract accepts`);
  const [, sign, whole, fraction = ''] = number;
  return compareWith(operator, BigInt(stored) * 10n ** BigInt(fraction.length), BigInt(`${sign}${whole}${fraction}`));
}

function matchesText(stored: string | null, operator: string, value: string): boolean {
  const wanted = fold(value);
  if (operator === 'contains') return stored !== null && fold(stored).includes(wanted);
  if (operator === '=') return stored !== null && fold(stored) === wanted;
  // Decision (server): "!=" also keeps companies that have no value.
  return stored === null || fold(stored) !== wanted;
}

const commaList = (value: string) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');

function matchesTags(tags: string[], operator: string, value: string): boolean {
  const wanted = fold(value);
  if (operator === 'contains') return tags.some((tag) => fold(tag).includes(wanted));
  // contract §4 Include: some tag equals one of the comma-separated names.
  if (operator === 'include') return commaList(value).some((name) => tags.some((tag) => fold(tag) === fold(name)));
  const hasTag = tags.some((tag) => fold(tag) === wanted);
  return operator === '=' ? hasTag : !hasTag;
}

function matchesIds(stored: string | null, operator: string, value: string): boolean {
  if (operator === 'contains') return stored !== null && fold(stored).includes(fold(value));
  const ids = operator === 'include' ? value.split(',').map((id) => id.trim()) : [value.trim()];
  return stored !== null && ids.includes(stored);
}

function matchesModules(modules: string[], operator: string, value: string): boolean {
  const ids = operator === 'include' ? commaList(value) : [value.trim()];
  return LICENSE_MODULES.some((module) => ids.includes(module.resourceId) && modules.includes(module.name));
}

/** contract §4: Contains on a number matches its decimal text, anything else compares it as an exact decimal. */
function matchesNumberField(stored: number, operator: string, value: string): boolean {
  if (operator === 'contains') return String(stored).includes(fold(value));
  return matchesNumber(stored, operator, value);
}

/** contract §4: Contains on a date matches its UTC day as YYYY-MM-DD; no date has no text. */
function matchesDateField(stored: number | null, operator: string, value: string): boolean {
  if (operator === 'contains')
    return stored !== null && new Date(stored).toISOString().slice(0, 10).includes(fold(value));
  return matchesDate(stored, operator, value);
}

/** The month a filter's MonthlyActiveUser items choose (the first one; the server refuses two different). */
export function usageMonthOf(filter: OracleFilter | null | undefined): string | null {
  const inGroups = (groups: OracleFilterGroup[] = []): string | null => {
    for (const group of groups) {
      const item = (group.FilterItems ?? []).find(
        (candidate) => fold(candidate.FieldName.trim()) === 'monthlyactiveuser',
      );
      if (item) return item.Value.trim();
      const nested = inGroups(group.FilterGroups);
      if (nested !== null) return nested;
    }
    return null;
  };
  return inGroups(filter?.FilterGroups);
}

/** contract §4: the count a row reports for `month` (null: the current month, the company's own count). */
export function monthlyCountOf(row: CompanyRecord, month: string | null, context: OracleContext): number {
  const current = new Date(context.todayStartMs).toISOString().slice(0, 7);
  if (month === null || month === current) return row.monthlyActiveUserCount;
  if (!context.usage) throw new Error('oracle: a month was chosen but the monthly usage was not read');
  return context.usage.get(row.id)?.get(month) ?? 0;
}

interface ItemContext extends OracleContext {
  month: string | null;
}

/** Whether the row matches; undefined for an item that filters nothing (MonthlyActiveUser picks the month). */
function matchesItem(row: CompanyRecord, item: OracleFilterItem, context: ItemContext): boolean | undefined {
  const lowerField = fold(item.FieldName.trim());
  const field = FIELD_ALIASES.get(lowerField) ?? lowerField;
  const operator = fold(item.Operator.trim());
  const { Value: value } = item;
  // Decision (server): lapse has no training data; "!=" keeps every company, anything else none.
  if (TRAINING_FIELDS.has(field)) return operator === '!=';
  switch (field) {
    case 'companyname':
      return matchesText(row.name, operator, value);
    case 'resellername':
      return matchesText(context.tree.resellerName(row), operator, value);
    case 'industryname':
      return matchesText(row.industryName, operator, value);
    case 'licensetypename':
      return matchesText(row.licenseTypeName, operator, value);
    case 'tags':
      return matchesTags(row.tags, operator, value);
    case 'industryresourceid':
      return matchesIds(row.industryResourceId, operator, value);
    case 'licensetyperesourceid':
      return matchesIds(row.licenseTypeResourceId, operator, value);
    case 'companyresourceid':
      return matchesIds(row.resourceId, operator, value);
    case 'moduleresourceid':
      return matchesModules(row.licenseModules, operator, value);
    case 'targetusercount':
      return matchesNumberField(row.targetUserCount, operator, value);
    case 'numberofusers':
      // contract §4: an unlimited licence never matches a numeric comparison on its limit.
      return row.isNumberOfUsersLimited && matchesNumberField(row.numberOfUsers, operator, value);
    case 'monthlyactiveusercount':
      return matchesNumberField(monthlyCountOf(row, context.month, context), operator, value);
    case 'monthlyactiveuser':
      return undefined;
    case 'licenseenddate':
      return matchesDateField(row.licenseEndAt, operator, value);
    case 'createtime':
      return matchesDateField(row.createdAt, operator, value);
    case 'licenceexpired': {
      const isExpired = isLicenceExpired(row, context.todayStartMs);
      if (operator === 'contains') return String(isExpired).includes(fold(value));
      return isExpired === (fold(value.trim()) === 'true');
    }
    default:
      throw new Error(`oracle: unknown field ${item.FieldName}`);
  }
}

/** Combines results with a condition; an empty group matches everything (contract §4). */
function combine(condition: string | undefined, results: boolean[]): boolean {
  if (results.length === 0) return true;
  return (condition ?? 'AND').toUpperCase() === 'OR' ? results.some(Boolean) : results.every(Boolean);
}

function matchesGroup(row: CompanyRecord, group: OracleFilterGroup, context: ItemContext): boolean {
  const items = (group.FilterItems ?? []).map((item) => matchesItem(row, item, context));
  return combine(group.Condition, [
    ...items.filter((result) => result !== undefined),
    ...(group.FilterGroups ?? []).map((inner) => matchesGroup(row, inner, context)),
  ]);
}

export function matchesFilter(row: CompanyRecord, filter: OracleFilter | null | undefined, context: OracleContext) {
  if (!filter) return true;
  const itemContext = { ...context, month: usageMonthOf(filter) };
  const groups = (filter.FilterGroups ?? []).map((group) => matchesGroup(row, group, itemContext));
  if (!combine(filter.Condition, groups)) return false;
  // Decision (server): surrounding whitespace of the search box is ignored; empty means no text search.
  const text = fold((filter.SearchInputTextValue ?? '').trim());
  if (text === '') return true;
  const resellerName = context.tree.resellerName(row);
  return fold(row.name).includes(text) || (resellerName !== null && fold(resellerName).includes(text));
}

export interface OracleSearch {
  filter?: OracleFilter | null;
  isTargetUserCountExceededLimit?: boolean;
}

/** The rows a search body selects among `visible`, in no particular order. */
export function expectedMatches(visible: CompanyRecord[], search: OracleSearch, context: OracleContext) {
  return visible.filter(
    (row) =>
      matchesFilter(row, search.filter, context) &&
      (search.isTargetUserCountExceededLimit !== true || isOverLimit(row)),
  );
}
