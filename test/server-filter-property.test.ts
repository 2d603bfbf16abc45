// contract §4, property-based: random filter trees over values drawn from the seeded data (and hostile text)
// select exactly the companies the in-memory oracle selects; number values compare as exact decimals; random JSON
// or a prototype name (`__proto__`, `constructor`, ...) in any body field is either accepted (only when valid) or
// a 400 INPUT_ERROR, never a 5xx.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, FILTER_LIMITS, LICENSE_MODULES, ORDER_BY_ACCEPTED, shiftMonth } from '../src/contract/index.js';
import { callApi, fetchToken, searchBody } from './support/api.js';
import { type CompanyTree, readCompanyTree, readMonthlyUsage } from './support/company-rows.js';
import { DATABASE_KINDS } from './support/databases.js';
import {
  expectedMatches,
  monthlyCountOf,
  type OracleContext,
  type OracleFilter,
  type OracleFilterGroup,
  type OracleFilterItem,
  usageMonthOf,
} from './support/filter-oracle.js';
import { PINNED_TODAY, PINNED_TODAY_START_MS, pinnedClock } from './support/pinned-clock.js';
import { PROTOTYPE_NAMES } from './support/prototype-names.js';
import { resourceIdsOf, sortedIds } from './support/search-pages.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const COMPANIES = 400;
const RUNS = 60;
const MAX_ITEMS = 8;

const HOSTILE_TEXT = ["' OR 1=1 --", '%', '_', '\\', '"', "'", '%_%', 'a%b', '\\%', "'); drop table companies; --", ''];

const unique = <T>(values: Iterable<T>) => [...new Set(values)];
const present = <T>(values: (T | null)[]) => values.filter((value): value is T => value !== null);

/** A piece of one of `pool`'s strings, in its own case or shouted. */
function textFrom(pool: string[]): fc.Arbitrary<string> {
  const fragment = fc
    .tuple(fc.constantFrom(...pool), fc.nat(), fc.nat())
    .map(([text, a, b]) => text.slice(Math.min(a, b) % (text.length + 1), (Math.max(a, b) % (text.length + 1)) + 1));
  return fc.oneof(
    fc.constantFrom(...pool),
    fragment,
    fc.constantFrom(...pool).map((text) => text.toUpperCase()),
    fc.constantFrom(...HOSTILE_TEXT),
    fc.string({ maxLength: 6 }),
  );
}

function dateFrom(instants: number[]): fc.Arbitrary<string> {
  return fc
    .tuple(
      fc.constantFrom(...instants),
      fc.integer({ min: -2, max: 2 }),
      fc.constantFrom('day', 'Z', '+05:30', '-08:00', ''),
      fc.integer({ min: 0, max: 23 }),
      fc.constantFrom(0, 30, 45),
    )
    .map(([instant, shift, form, hour, minute]) => {
      const day = new Date(Math.floor(instant / DAY_MS) * DAY_MS + shift * DAY_MS).toISOString().slice(0, 10);
      if (form === 'day') return day;
      const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:00`;
      return `${day}T${time}${form}`;
    });
}

/** contract §4 number values: past every column's range, with fractions, signs and spaces, as exact decimals. */
const OUT_OF_RANGE_NUMBERS = [
  '2147483648',
  '-2147483649',
  '3000000000',
  '-3000000000',
  '9007199254740993',
  '9'.repeat(40),
  `-${'9'.repeat(40)}`,
  `0.${'0'.repeat(38)}1`,
];

const numberFrom = (values: number[]) =>
  fc.oneof(
    fc.tuple(fc.constantFrom(...values), fc.integer({ min: -2, max: 2 })).map(([n, shift]) => String(n + shift)),
    fc
      .tuple(
        fc.constantFrom(...values),
        fc.constantFrom('', '+', '-', ' '),
        fc.constantFrom('.5', '.0', '.000', '.9999999999999999999', '.0000000000000000001', ''),
      )
      .map(([n, sign, fraction]) => `${sign}${n}${fraction}`),
    fc.constantFrom(...OUT_OF_RANGE_NUMBERS, '-0', '+0', '-0.5', ' 12 '),
  );

function idsFrom(ids: string[], operator: 'Include' | '='): fc.Arbitrary<string> {
  const id = fc.oneof(fc.constantFrom(...ids), fc.constant('NoSuchId0000'));
  if (operator === '=') return id;
  return fc
    .array(id, { minLength: 1, maxLength: 4 })
    .chain((list) => fc.constantFrom(', ', ',').map((separator) => list.join(separator)));
}

/** A piece of one day's `YYYY-MM-DD` text: what the UI's free-text group sends to a date column. */
const dayTextFrom = (instants: number[]) =>
  textFrom(instants.slice(0, 200).map((instant) => new Date(instant).toISOString().slice(0, 10)));

/** The current month, the months the seed records before it, and one before and after those. */
const USAGE_MONTHS = Array.from({ length: 27 }, (_, index) => shiftMonth(PINNED_TODAY.slice(0, 7), index - 25));

interface FieldSpec {
  names: string[];
  operators: string[];
  value: (operator: string) => fc.Arbitrary<string>;
}

function fieldSpecs(tree: CompanyTree): FieldSpec[] {
  const { rows } = tree;
  const text = (names: string[], pool: string[]): FieldSpec => ({
    names,
    operators: ['Contains', '=', '!=', 'contains'],
    value: () => textFrom(pool),
  });
  const comparison = ['=', '!=', '>', '>=', '<', '<='];
  const ids = (names: string[], pool: string[]): FieldSpec => ({
    names,
    operators: ['Include', '=', 'Contains'],
    value: (operator) =>
      operator === 'Contains' ? textFrom(pool.slice(0, 50)) : idsFrom(pool, operator === '=' ? '=' : 'Include'),
  });
  const number = (names: string[], pool: number[]): FieldSpec => ({
    names,
    operators: [...comparison, 'Contains'],
    value: (operator) => (operator === 'Contains' ? textFrom(unique(pool.map(String))) : numberFrom(pool)),
  });
  const date = (names: string[], instants: number[]): FieldSpec => ({
    names,
    operators: [...comparison, 'Contains', 'contains'],
    value: (operator) => (operator.toLowerCase() === 'contains' ? dayTextFrom(instants) : dateFrom(instants)),
  });
  const training = (names: string[], values: fc.Arbitrary<string>): FieldSpec => ({
    names,
    operators: ['=', '!=', 'Include'],
    value: () => values,
  });
  const tags = unique(rows.flatMap((row) => row.tags));
  const months = fc.constantFrom(...USAGE_MONTHS);
  return [
    text(['CompanyName', 'companyName'], unique(rows.map((row) => row.name))),
    text(['ResellerName'], unique(present(rows.map((row) => tree.resellerName(row))))),
    text(['IndustryName'], unique(present(rows.map((row) => row.industryName)))),
    text(['LicenseTypeName'], unique(present(rows.map((row) => row.licenseTypeName)))),
    text(['Name', 'name'], unique(rows.map((row) => row.name))),
    text(['Tags', 'tags'], tags),
    {
      names: ['Tags'],
      operators: ['Include', 'include'],
      value: () =>
        fc
          .array(fc.oneof(fc.constantFrom(...tags), fc.constant('no such tag')), { minLength: 1, maxLength: 3 })
          .map((list) => list.join(',')),
    },
    {
      names: ['ModuleResourceId', 'moduleResourceId'],
      operators: ['Include', '='],
      value: (operator) =>
        idsFrom(
          LICENSE_MODULES.map((module) => module.resourceId),
          operator === '=' ? '=' : 'Include',
        ),
    },
    ids(
      ['CompanyResourceId'],
      rows.map((row) => row.resourceId),
    ),
    ids(['IndustryResourceId'], unique(present(rows.map((row) => row.industryResourceId)))),
    ids(['LicenseTypeResourceId'], unique(present(rows.map((row) => row.licenseTypeResourceId)))),
    number(
      ['TargetUserCount'],
      rows.map((row) => row.targetUserCount),
    ),
    number(['NumberOfUsers'], unique(rows.map((row) => row.numberOfUsers))),
    number(
      ['MonthlyActiveUserCount'],
      rows.map((row) => row.monthlyActiveUserCount),
    ),
    date(['LicenseEndDate', 'RenewalDate'], present(rows.map((row) => row.licenseEndAt))),
    date(
      ['CreateTime'],
      rows.map((row) => row.createdAt),
    ),
    {
      names: ['LicenceExpired', 'LicenseExpired'],
      operators: ['=', 'Contains'],
      value: (operator) =>
        operator === '=' ? fc.constantFrom('true', 'false', 'True') : fc.constantFrom('t', 'rue', 'e', 'FAL', '', 'x'),
    },
    training(['TrainingVendorId'], fc.constantFrom('vendor1', 'KnowBe4')),
    training(['TrainingEnrolledMonth', 'TrainingConsumptionMonth'], months),
    training(['TrainingConsumptionStatus'], fc.constantFrom('1', '2', '1,2')),
  ];
}

function itemArbitrary(specs: FieldSpec[]): fc.Arbitrary<OracleFilterItem> {
  return fc.constantFrom(...specs).chain((spec) =>
    fc.tuple(fc.constantFrom(...spec.names), fc.constantFrom(...spec.operators)).chain(([FieldName, Operator]) =>
      fc.tuple(spec.value(Operator), fc.boolean()).map(([Value, hasCustomField]) => ({
        FieldName,
        Operator,
        Value,
        ...(hasCustomField ? { CustomFieldName: '' } : {}),
      })),
    ),
  );
}

const conditionArbitrary = fc.option(fc.constantFrom('AND', 'OR', 'or'), { nil: undefined });

function groupArbitrary(item: fc.Arbitrary<OracleFilterItem>, depth: number): fc.Arbitrary<OracleFilterGroup> {
  const nested: fc.Arbitrary<OracleFilterGroup[]> =
    depth < 3 ? fc.array(groupArbitrary(item, depth + 1), { maxLength: 2 }) : fc.constant([]);
  return fc
    .record({ Condition: conditionArbitrary, FilterItems: fc.array(item, { maxLength: 3 }), FilterGroups: nested })
    .map(({ Condition, FilterItems, FilterGroups }) => ({
      ...(Condition === undefined ? {} : { Condition }),
      FilterItems,
      FilterGroups,
    }));
}

/** Keeps the first `budget` items of a tree (depth-first), so every filter stays within MAX_ITEMS. */
function capItems(groups: OracleFilterGroup[], budget: { left: number }): OracleFilterGroup[] {
  return groups.map((group) => {
    const FilterItems = (group.FilterItems ?? []).slice(0, Math.max(0, budget.left));
    budget.left -= FilterItems.length;
    return { ...group, FilterItems, FilterGroups: capItems(group.FilterGroups ?? [], budget) };
  });
}

function filterArbitrary(specs: FieldSpec[], searchTexts: fc.Arbitrary<string>): fc.Arbitrary<OracleFilter> {
  return fc
    .record({
      Condition: conditionArbitrary,
      SearchInputTextValue: fc.option(searchTexts, { nil: undefined }),
      FilterGroups: fc.array(groupArbitrary(itemArbitrary(specs), 1), { maxLength: 2 }),
      month: fc.option(fc.constantFrom(...USAGE_MONTHS), { nil: undefined }),
    })
    .map(({ Condition, SearchInputTextValue, FilterGroups, month }) => {
      const groups = capItems(FilterGroups, { left: MAX_ITEMS });
      // contract §4 MonthlyActiveUser: one month per search, in whichever group the UI puts it.
      const monthItem = { FieldName: 'MonthlyActiveUser', Operator: '=', Value: month ?? '' };
      const [first, ...rest] = groups;
      const withMonth =
        month === undefined
          ? groups
          : first === undefined
            ? [{ FilterItems: [monthItem] }]
            : [{ ...first, FilterItems: [...(first.FilterItems ?? []), monthItem] }, ...rest];
      return {
        ...(Condition === undefined ? {} : { Condition }),
        ...(SearchInputTextValue === undefined ? {} : { SearchInputTextValue }),
        FilterGroups: withMonth,
      };
    });
}

/** contract §4 body rules, for the fields whose validity is simple to state. */
const VALIDITY: Record<string, (value: unknown) => boolean> = {
  pageNumber: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 2_147_483_647,
  pageSize: (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 1000,
  orderBy: (v) =>
    typeof v === 'string' && ORDER_BY_ACCEPTED.some((name) => name.toLowerCase() === v.trim().toLowerCase()),
  ascending: (v) => typeof v === 'boolean',
  isTargetUserCountExceededLimit: (v) => v === null || typeof v === 'boolean',
  isClustered: (v) => v === null || typeof v === 'boolean',
};

/** A filter with a prototype name in one of its strings: a 400 but for a text value (any text is one). */
const filterWithPrototypeName = fc
  .tuple(fc.constantFrom(...PROTOTYPE_NAMES), fc.nat({ max: 5 }))
  .map(([name, place]) => {
    const strings = ['AND', 'OR', 'CompanyName', 'Contains', 'a', ''];
    strings[place] = name;
    const [Condition, groupCondition, FieldName, Operator, Value, SearchInputTextValue] = strings;
    return {
      Condition,
      SearchInputTextValue,
      FilterGroups: [{ Condition: groupCondition, FilterItems: [{ FieldName, Operator, Value }] }],
    };
  });

const VALID_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  pageNumber: fc.integer({ min: 1, max: 50 }),
  pageSize: fc.integer({ min: 1, max: 1000 }),
  orderBy: fc.constantFrom(...ORDER_BY_ACCEPTED, 'companyname', 'RENEWALDATE'),
  ascending: fc.boolean(),
  isTargetUserCountExceededLimit: fc.option(fc.boolean(), { nil: null }),
  isClustered: fc.option(fc.boolean(), { nil: null }),
  filter: fc.constantFrom(null, {}, { FilterGroups: [] }, { Condition: 'OR', SearchInputTextValue: 'a' }),
};

describe.each(DATABASE_KINDS)('search filters as properties on %s', (kind) => {
  let server: TestServer;
  let tree: CompanyTree;
  let token: string;
  let context: OracleContext;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: COMPANIES, ...pinnedClock });
    tree = await readCompanyTree(server.databaseLocation);
    token = await fetchToken(server.baseUrl, server.credentials.root);
    context = { tree, todayStartMs: PINNED_TODAY_START_MS, usage: await readMonthlyUsage(server.databaseLocation) };
  });
  afterAll(() => server?.close());

  it('any filter tree selects exactly the oracle companies', async () => {
    const specs = fieldSpecs(tree);
    const searchTexts = textFrom(unique([...tree.rows.map((row) => row.name)]));
    const search = fc.record({
      filter: filterArbitrary(specs, searchTexts),
      isTargetUserCountExceededLimit: fc.option(fc.boolean(), { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(search, async ({ filter, isTargetUserCountExceededLimit }) => {
        const body = searchBody({ pageSize: 1000, filter, isTargetUserCountExceededLimit });
        const response = await callApi(server.baseUrl, '/api/companies/search', { token, body });
        expect(response.status, JSON.stringify(response.body)).toBe(200);
        const expected = expectedMatches(tree.rows, { filter, isTargetUserCountExceededLimit }, context);
        expect(response.body.data.totalNumberOfRecords).toBe(expected.length);
        expect(sortedIds(resourceIdsOf(response.body.data.results))).toEqual(
          sortedIds(expected.map((row) => row.resourceId)),
        );
        const month = usageMonthOf(filter);
        for (const result of response.body.data.results as {
          companyResourceId: string;
          monthlyActiveUserCount: number;
        }[]) {
          const row = tree.company(result.companyResourceId);
          expect(result.monthlyActiveUserCount, `${row.resourceId} in ${month}`).toBe(
            monthlyCountOf(row, month, context),
          );
        }
      }),
      { numRuns: RUNS },
    );
  });

  const single = (FieldName: string, Operator: string, Value: string): OracleFilter => ({
    FilterGroups: [{ FilterItems: [{ FieldName, Operator, Value }] }],
  });

  it.each<[string, OracleFilter]>([
    ['Tags Contains ""', single('Tags', 'Contains', '')],
    ['Tags = ""', single('Tags', '=', '')],
    ['Tags != ""', single('Tags', '!=', '')],
    ['Tags = a tag in another case', single('Tags', '=', 'emea')],
    ['CompanyName Contains %', single('CompanyName', 'Contains', '%')],
    ['CompanyName Contains _', single('CompanyName', 'Contains', '_')],
    ['CompanyName Contains a quote', single('CompanyName', 'Contains', '"')],
    ['ResellerName != a name (the root has no reseller)', single('ResellerName', '!=', 'Lapse Platform')],
    ['IndustryName Contains ""', single('IndustryName', 'Contains', '')],
    ['an empty OR group', { Condition: 'OR', FilterGroups: [{ Condition: 'OR', FilterItems: [], FilterGroups: [] }] }],
    ['a blank search text', { SearchInputTextValue: '   ' }],
    ['TargetUserCount > 2.5 (that is, >= 3)', single('TargetUserCount', '>', '2.5')],
    ['TargetUserCount = 2.5 (nothing)', single('TargetUserCount', '=', '2.5')],
    ['TargetUserCount != 2.5 (everything)', single('TargetUserCount', '!=', '2.5')],
    ['TargetUserCount <= -0.5 (nothing)', single('TargetUserCount', '<=', '-0.5')],
    ['NumberOfUsers < 3000000000 (past the 32-bit range)', single('NumberOfUsers', '<', '3000000000')],
    ['NumberOfUsers >= 3000000000', single('NumberOfUsers', '>=', '3000000000')],
    ['MonthlyActiveUserCount != 3000000000', single('MonthlyActiveUserCount', '!=', '3000000000')],
    ['MonthlyActiveUserCount > -3000000000', single('MonthlyActiveUserCount', '>', '-3000000000')],
    ['TargetUserCount < 40 nines', single('TargetUserCount', '<', '9'.repeat(40))],
    ['TargetUserCount = 10.000 (an integer)', single('TargetUserCount', '=', '10.000')],
    ['TargetUserCount >= +10', single('TargetUserCount', '>=', '+10')],
  ])('%s selects exactly the oracle companies', async (_name, filter) => {
    const response = await callApi(server.baseUrl, '/api/companies/search', {
      token,
      body: searchBody({ pageSize: 1000, filter }),
    });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    const expected = expectedMatches(tree.rows, { filter }, context);
    expect(sortedIds(resourceIdsOf(response.body.data.results))).toEqual(
      sortedIds(expected.map((row) => row.resourceId)),
    );
  });

  it.each([
    ['400 digits', '1'.repeat(400)],
    ['41 digits', '1'.repeat(41)],
    ['41 digits with a fraction', `1.${'0'.repeat(40)}`],
    ['no digits after the point', '2.'],
    ['no digits before the point', '.5'],
    ['an exponent', '1e3'],
    ['a name', 'Infinity'],
  ])('a number value of %s is a 400 naming its path and the grammar', async (_name, value) => {
    const response = await callApi(server.baseUrl, '/api/companies/search', {
      token,
      body: searchBody({ filter: single('TargetUserCount', '>', value) }),
    });
    expect(response.status, JSON.stringify(response.body)).toBe(400);
    expect(response.body.status).toBe('INPUT_ERROR');
    const [line] = response.body.validationMessages as string[];
    expect(line).toContain('filter.FilterGroups[0].FilterItems[0].Value');
    expect(line).toContain(`at most ${FILTER_LIMITS.maxNumberDigits} digits`);
  });

  it('random JSON or a prototype name in any body field is accepted only when valid, else a 400 INPUT_ERROR', async () => {
    const fields = Object.keys(VALID_VALUES);
    const field = fc.constantFrom(...fields);
    const input = field.chain((name) =>
      fc.tuple(
        fc.constant(name),
        fc.oneof(
          fc.jsonValue({ maxDepth: 3 }),
          VALID_VALUES[name] as fc.Arbitrary<unknown>,
          fc.constantFrom(...PROTOTYPE_NAMES),
          name === 'filter' ? filterWithPrototypeName : fc.constantFrom(...PROTOTYPE_NAMES),
        ),
      ),
    );
    await fc.assert(
      fc.asyncProperty(input, async ([name, value]) => {
        const body = { ...searchBody({ pageSize: 5 }), [name]: value };
        const response = await callApi(server.baseUrl, '/api/companies/search', { token, body });
        expect([200, 400], JSON.stringify(response.body)).toContain(response.status);
        const isValid = VALIDITY[name];
        if (response.status === 400) {
          expect(response.body.status).toBe('INPUT_ERROR');
          expect(response.body.validationMessages.length).toBeGreaterThan(0);
          if (isValid) expect(isValid(value), `${name}=${JSON.stringify(value)} is valid`).toBe(false);
        } else {
          expect(response.body.status).toBe('SUCCESS');
          if (isValid) expect(isValid(value), `${name}=${JSON.stringify(value)} was accepted`).toBe(true);
        }
      }),
      { numRuns: RUNS },
    );
  });
});
