// contract §4, property-based: random filter trees over values drawn from the seeded data (and hostile text)
// select exactly the companies the in-memory oracle selects; random JSON in any body field is either accepted
// (only when valid) or a 400 INPUT_ERROR, never a 5xx.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY_MS, ORDER_BY_ACCEPTED } from '../src/contract/index.js';
import { callApi, fetchToken, searchBody } from './support/api.js';
import { type CompanyTree, readCompanyTree } from './support/company-rows.js';
import { DATABASE_KINDS } from './support/databases.js';
import {
  expectedMatches,
  type OracleContext,
  type OracleFilter,
  type OracleFilterGroup,
  type OracleFilterItem,
} from './support/filter-oracle.js';
import { PINNED_TODAY_START_MS, pinnedClock } from './support/pinned-clock.js';
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
      fc.constantFrom('day', 'Z', '+05:30', '-08:00'),
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

const numberFrom = (values: number[]) =>
  fc.tuple(fc.constantFrom(...values), fc.integer({ min: -2, max: 2 })).map(([n, shift]) => String(n + shift));

function idsFrom(ids: string[], operator: 'Include' | '='): fc.Arbitrary<string> {
  const id = fc.oneof(fc.constantFrom(...ids), fc.constant('NoSuchId0000'));
  if (operator === '=') return id;
  return fc
    .array(id, { minLength: 1, maxLength: 4 })
    .chain((list) => fc.constantFrom(', ', ',').map((separator) => list.join(separator)));
}

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
    operators: ['Include', '='],
    value: (operator) => idsFrom(pool, operator === '=' ? '=' : 'Include'),
  });
  const number = (names: string[], pool: number[]): FieldSpec => ({
    names,
    operators: comparison,
    value: () => numberFrom(pool),
  });
  return [
    text(['CompanyName', 'companyName'], unique(rows.map((row) => row.name))),
    text(['ResellerName'], unique(present(rows.map((row) => tree.resellerName(row))))),
    text(['IndustryName'], unique(present(rows.map((row) => row.industryName)))),
    text(['LicenseTypeName'], unique(present(rows.map((row) => row.licenseTypeName)))),
    text(['Tags', 'tags'], unique(rows.flatMap((row) => row.tags))),
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
    {
      names: ['LicenseEndDate', 'RenewalDate'],
      operators: comparison,
      value: () => dateFrom(present(rows.map((row) => row.licenseEndAt))),
    },
    { names: ['CreateTime'], operators: comparison, value: () => dateFrom(rows.map((row) => row.createdAt)) },
    {
      names: ['LicenceExpired', 'LicenseExpired'],
      operators: ['='],
      value: () => fc.constantFrom('true', 'false', 'True'),
    },
  ];
}

function itemArbitrary(specs: FieldSpec[]): fc.Arbitrary<OracleFilterItem> {
  return fc
    .constantFrom(...specs)
    .chain((spec) =>
      fc
        .tuple(fc.constantFrom(...spec.names), fc.constantFrom(...spec.operators))
        .chain(([FieldName, Operator]) => spec.value(Operator).map((Value) => ({ FieldName, Operator, Value }))),
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
    })
    .map(({ Condition, SearchInputTextValue, FilterGroups }) => ({
      ...(Condition === undefined ? {} : { Condition }),
      ...(SearchInputTextValue === undefined ? {} : { SearchInputTextValue }),
      FilterGroups: capItems(FilterGroups, { left: MAX_ITEMS }),
    }));
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
    context = { tree, todayStartMs: PINNED_TODAY_START_MS };
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

  it('random JSON in any body field is accepted only when valid, else a 400 INPUT_ERROR', async () => {
    const fields = Object.keys(VALID_VALUES);
    const field = fc.constantFrom(...fields);
    const input = field.chain((name) =>
      fc.tuple(fc.constant(name), fc.oneof(fc.jsonValue({ maxDepth: 3 }), VALID_VALUES[name] as fc.Arbitrary<unknown>)),
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
