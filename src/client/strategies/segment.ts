// A segment narrows any listing: free text, filter items, one reseller, one licence type. It is sent to the server
// with the listing's own filter and checked again on every row, so it holds whichever strategy ran (contract §8).
import {
  canonicalFieldName,
  type Filter,
  type FilterGroup,
  type FilterItem,
  parseDay,
  parseInstant,
  parseNumberValue,
  renewalDayOf,
  type SearchCompanyDto,
} from '../../contract/index.js';
import { ValidationError } from '../errors.js';

export interface SegmentOptions {
  /** contract §4 SearchInputTextValue: company or reseller name contains it (case-insensitive). */
  text?: string | undefined;
  /** Filter items, all of which must hold. */
  items?: readonly FilterItem[] | undefined;
  /** The company's reseller has this name (case-insensitive). */
  resellerName?: string | undefined;
  /** The licence type has this resource id or this name (case-insensitive). */
  licenceType?: string | undefined;
}

export interface Segment {
  /** For reasons: "text contains acme, reseller Foo". */
  description: string;
  filter: Filter;
  matches(company: SearchCompanyDto): boolean;
  /** Fields of filter items no row carries (modules, usage months, training): only the server can apply them. */
  uncheckable: string[];
}

/** A segment every row can be checked against: what a listing needs, since it cannot trust the server's filter. */
export function assertCheckable(segment: Segment | undefined): void {
  if (segment === undefined || segment.uncheckable.length === 0) return;
  throw new ValidationError(
    `a listing cannot check ${segment.uncheckable.join(', ')} on its rows: use it with \`lapse companies\` (the server's search)`,
  );
}

const fold = (text: string | null | undefined) => (text ?? '').toLowerCase();

type Check = (company: SearchCompanyDto) => boolean;

const TEXT_FIELDS: Record<string, (company: SearchCompanyDto) => string | null> = {
  CompanyName: (c) => c.companyName,
  ResellerName: (c) => c.resellerName,
  IndustryName: (c) => c.industryName,
  LicenseTypeName: (c) => c.licenseTypeName,
};

const ID_FIELDS: Record<string, (company: SearchCompanyDto) => string | null> = {
  IndustryResourceId: (c) => c.industryResourceId,
  LicenseTypeResourceId: (c) => c.licenseTypeResourceId,
  CompanyResourceId: (c) => c.companyResourceId,
};

const NUMBER_FIELDS: Record<string, (company: SearchCompanyDto) => number | null> = {
  TargetUserCount: (c) => c.targetUserCount,
  // decisions.md: an unlimited licence never matches a comparison on NumberOfUsers.
  NumberOfUsers: (c) => (c.isNumberOfUsersLimited ? Number(c.numberOfUsers) : null),
  MonthlyActiveUserCount: (c) => c.monthlyActiveUserCount,
};

function compare(operator: string, sign: number): boolean {
  switch (operator) {
    case '=':
      return sign === 0;
    case '!=':
      return sign !== 0;
    case '>':
      return sign > 0;
    case '>=':
      return sign >= 0;
    case '<':
      return sign < 0;
    default:
      return sign <= 0;
  }
}

function textCheck(read: (c: SearchCompanyDto) => string | null, operator: string, value: string): Check {
  const wanted = fold(value);
  if (operator === 'Contains') return (c) => fold(read(c)).includes(wanted);
  // decisions.md: text `!=` also keeps companies with no value.
  if (operator === '!=') return (c) => fold(read(c)) !== wanted;
  return (c) => read(c) !== null && fold(read(c)) === wanted;
}

function idCheck(read: (c: SearchCompanyDto) => string | null, operator: string, value: string): Check {
  if (operator === 'Contains') return (c) => fold(read(c)).includes(fold(value));
  const ids = new Set((operator === 'Include' ? value.split(',') : [value]).map((id) => fold(id.trim())));
  return (c) => read(c) !== null && ids.has(fold(read(c)));
}

function tagCheck(operator: string, value: string): Check {
  const wanted = fold(value);
  if (operator === 'Contains') return (c) => c.tags.some((tag) => fold(tag).includes(wanted));
  if (operator === '!=') return (c) => !c.tags.some((tag) => fold(tag) === wanted);
  const names = new Set((operator === 'Include' ? value.split(',') : [value]).map((tag) => fold(tag.trim())));
  return (c) => c.tags.some((tag) => names.has(fold(tag)));
}

function numberCheck(read: (c: SearchCompanyDto) => number | null, operator: string, value: string): Check {
  if (operator === 'Contains') return (c) => read(c) !== null && String(read(c)).includes(value.trim());
  const parsed = parseNumberValue(value);
  const bound = parsed === undefined ? Number.NaN : Number(value.trim());
  return (c) => {
    const number = read(c);
    return number !== null && !Number.isNaN(bound) && compare(operator, Math.sign(number - bound));
  };
}

function dateCheck(read: (c: SearchCompanyDto) => string | null, operator: string, value: string): Check {
  const text = value.trim();
  if (operator === 'Contains') return (c) => (renewalDayOf(read(c)) ?? '').includes(text);
  // contract §4: a date-only value compares by calendar day, a date-time as an instant.
  const day = parseDay(text);
  if (day !== undefined) {
    return (c) => {
      const own = renewalDayOf(read(c));
      return own !== null && compare(operator, own < day ? -1 : own > day ? 1 : 0);
    };
  }
  const instant = parseInstant(/[zZ]|[+-]\d{2}:\d{2}$/.test(text) ? text : `${text}Z`);
  return (c) => {
    const own = read(c);
    const ms = own === null ? undefined : parseInstant(own);
    return ms !== undefined && instant !== undefined && compare(operator, Math.sign(ms - instant));
  };
}

/** One filter item as a check of a row; undefined for an item the row cannot answer (modules, usage months). */
export function itemCheck(item: FilterItem): Check | undefined {
  const field = canonicalFieldName(item.FieldName);
  const { Operator: operator, Value: value } = item;
  if (field !== undefined && field in TEXT_FIELDS) return textCheck(TEXT_FIELDS[field] as never, operator, value);
  if (field !== undefined && field in ID_FIELDS) return idCheck(ID_FIELDS[field] as never, operator, value);
  if (field !== undefined && field in NUMBER_FIELDS) return numberCheck(NUMBER_FIELDS[field] as never, operator, value);
  switch (field) {
    case 'Tags':
      return tagCheck(operator, value);
    case 'LicenseEndDate':
      return dateCheck((c) => c.licenseEndDate, operator, value);
    case 'CreateTime':
      return dateCheck((c) => c.createTime, operator, value);
    case 'LicenceExpired':
      return operator === 'Contains'
        ? (c) => String(c.licenceExpired).includes(fold(value))
        : (c) => String(c.licenceExpired) === fold(value).trim();
    default:
      return undefined;
  }
}

/** Every segment option as filter items, an item check and words. */
export function createSegment(options: SegmentOptions): Segment | undefined {
  const text = options.text?.trim() ?? '';
  const items = [...(options.items ?? [])];
  const groups: FilterGroup[] = [];
  const checks: Check[] = [];
  const uncheckable: string[] = [];
  for (const item of items) {
    const check = itemCheck(item);
    if (check === undefined) uncheckable.push(item.FieldName);
    else checks.push(check);
  }
  const words: string[] = [];
  if (text !== '') {
    const wanted = fold(text);
    checks.push((c) => fold(c.companyName).includes(wanted) || fold(c.resellerName).includes(wanted));
    words.push(`text contains "${text}"`);
  }
  for (const item of items) words.push(`${item.FieldName} ${item.Operator} "${item.Value}"`);
  if (options.resellerName !== undefined) {
    const item = { FieldName: 'ResellerName', Operator: '=', Value: options.resellerName };
    items.push(item);
    checks.push(itemCheck(item) as Check);
    words.push(`reseller "${options.resellerName}"`);
  }
  if (options.licenceType !== undefined) {
    const wanted = options.licenceType;
    // Either the type's id or its name: one OR group, checked the same way on each row.
    groups.push({
      Condition: 'OR',
      FilterItems: [
        { FieldName: 'LicenseTypeResourceId', Operator: '=', Value: wanted },
        { FieldName: 'LicenseTypeName', Operator: '=', Value: wanted },
      ],
    });
    checks.push((c) => fold(c.licenseTypeResourceId) === fold(wanted) || fold(c.licenseTypeName) === fold(wanted));
    words.push(`licence type "${wanted}"`);
  }
  if (checks.length === 0 && uncheckable.length === 0) return undefined;
  return {
    description: words.join(', '),
    filter: {
      Condition: 'AND',
      SearchInputTextValue: text,
      FilterGroups: [...(items.length === 0 ? [] : [{ Condition: 'AND' as const, FilterItems: items }]), ...groups],
    },
    matches: (company) => checks.every((check) => check(company)),
    uncheckable,
  };
}

/** Two filters that must both hold, as one; the free text is the segment's (a listing's own filter has none). */
export function bothFilters(own: Filter | undefined, segment: Filter): Filter {
  if (own === undefined) return segment;
  return {
    Condition: 'AND',
    SearchInputTextValue: segment.SearchInputTextValue ?? own.SearchInputTextValue ?? '',
    FilterGroups: [
      { Condition: own.Condition ?? 'AND', FilterGroups: own.FilterGroups ?? [] },
      { Condition: segment.Condition ?? 'AND', FilterGroups: segment.FilterGroups ?? [] },
    ],
  };
}
