// Generated SearchCompanyDto rows for the export tests and benchmark: tricky text for the round-trip tests,
// plain realistic rows for measuring speed. Deterministic (no randomness), so failures reproduce.
import { DAY_MS, neutraliseFormula, type SearchCompanyDto } from '../../src/contract/index.js';

// Texts a serialiser must carry through unchanged (or neutralised, contract §5) to any reader.
const TRICKY_NAMES = [
  'Crème Brûlée Ünïcødé GmbH',
  'Comma, Semicolon; and Co',
  'She said "hello", then left',
  'Line one\nLine two',
  'Windows\r\nline break',
  '=1+2',
  '+44 20 7946 0000',
  '-minus first',
  '@mention corp',
  '\tTab first',
  'Tab\tinside',
  '=HYPERLINK("http://x","y")',
  'Ampersand & <angle> brackets',
  '  padded both sides  ',
  'Literal _x0041_ escape look-alike',
  'Emoji 🚀 and 日本語',
];

const TRICKY_TAGS: readonly (readonly string[])[] = [
  [],
  ['gold'],
  ['a, b', 'quote"tag', '=tag'],
  Array.from({ length: 40 }, (_, i) => `tag-${i}`),
  [''],
];

const BASE_MS = Date.UTC(2026, 0, 1);

function isoAt(ms: number): string {
  return new Date(ms).toISOString();
}

function resourceIdOf(index: number): string {
  return `C${String(index).padStart(11, '0')}`;
}

/** A plain, realistic row: what most exports hold. */
export function makeCompany(index: number): SearchCompanyDto {
  const isNumberOfUsersLimited = index % 5 !== 0;
  const hasRenewalDate = index % 11 !== 0;
  return {
    companyResourceId: resourceIdOf(index),
    companyName: `Northwind Trading ${index} Ltd`,
    resellerName: `Reseller ${index % 97}`,
    industryName: ['Finance', 'Healthcare', 'Retail', 'Education', 'Manufacturing'][index % 5] ?? null,
    industryResourceId: `IND${String(index % 5).padStart(9, '0')}`,
    licenseTypeName: ['Trial', 'Standard', 'Enterprise'][index % 3] ?? null,
    licenseTypeResourceId: `LIC${String(index % 3).padStart(9, '0')}`,
    isNumberOfUsersLimited,
    numberOfUsers: String(50 + (index % 1000)),
    licenceExpired: index % 4 === 0,
    licenseEndDate: hasRenewalDate ? isoAt(BASE_MS + ((index * 7) % 900) * DAY_MS - 400 * DAY_MS) : null,
    createTime: isoAt(BASE_MS - ((index * 13) % 3000) * DAY_MS + (index % 86_400) * 1000),
    targetUserCount: 10 + (index % 5000),
    inactiveTargetUserCount: index % 37,
    deletedTargetUserCount: index % 11,
    monthlyActiveUserCount: index % 4000,
    tags: index % 3 === 0 ? [] : ['billing', `region-${index % 7}`],
    privacyDurationId: index % 4,
    children: null,
  };
}

/** A row whose texts, nulls and tags exercise quoting, escaping and formula neutralisation. */
export function makeTrickyCompany(index: number): SearchCompanyDto {
  const plain = makeCompany(index);
  const pick = <T>(list: readonly T[]): T => list[index % list.length] as T;
  const hasNulls = index % 4 === 1;
  return {
    ...plain,
    companyName: pick(TRICKY_NAMES),
    resellerName: hasNulls ? null : (TRICKY_NAMES[(index + 5) % TRICKY_NAMES.length] ?? null),
    industryName: hasNulls ? null : plain.industryName,
    licenseTypeName: hasNulls ? null : plain.licenseTypeName,
    licenseEndDate: hasNulls ? null : plain.licenseEndDate,
    tags: [...pick(TRICKY_TAGS)],
  };
}

export function makeCompanies(count: number, make: (index: number) => SearchCompanyDto = makeCompany) {
  return Array.from({ length: count }, (_, i) => make(i + 1));
}

/** Yields `count` rows made on the fly, so a large source holds no array. */
export async function* generateCompanies(
  count: number,
  make: (index: number) => SearchCompanyDto = makeCompany,
): AsyncGenerator<SearchCompanyDto> {
  for (let i = 1; i <= count; i++) yield make(i);
}

const textCell = (text: string | null) => (text === null ? '' : neutraliseFormula(text));

/**
 * contract §5: the cells, as text, that any reader of an export should find for a company. Written out field by
 * field from the contract's prose, so tests check the serialisers against something they do not share.
 */
export function expectedCells(company: SearchCompanyDto): string[] {
  return [
    textCell(company.companyName),
    textCell(company.companyResourceId),
    textCell(company.resellerName),
    textCell(company.industryName),
    textCell(company.licenseTypeName),
    String(company.targetUserCount),
    String(company.inactiveTargetUserCount),
    String(company.deletedTargetUserCount),
    String(company.monthlyActiveUserCount),
    company.isNumberOfUsersLimited ? String(Number(company.numberOfUsers)) : 'Unlimited',
    textCell(company.tags.join(', ')),
    company.licenseEndDate?.slice(0, 10) ?? '',
    company.createTime.slice(0, 10),
    String(company.licenceExpired),
  ];
}
