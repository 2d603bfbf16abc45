// Every name a search or export body carries (orderBy, exportType, FieldName, Operator, Condition, property names)
// is looked up by the server; a name that a plain object answers to through its prototype (`__proto__`,
// `constructor`, ...) must be as unknown as any other: a 400 naming where it stands, never a 500. Values too:
// a prototype name is a fine text value and no number.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_BY_ACCEPTED } from '../src/contract/index.js';
import { type ApiResponse, callApi, fetchToken, searchBody } from './support/api.js';
import { type CompanyTree, readCompanyTree } from './support/company-rows.js';
import { DATABASE_KINDS } from './support/databases.js';
import { expectedMatches, type OracleFilter } from './support/filter-oracle.js';
import { PINNED_TODAY_START_MS, pinnedClock } from './support/pinned-clock.js';
import { PROTOTYPE_NAMES } from './support/prototype-names.js';
import { resourceIdsOf, sortedIds } from './support/search-pages.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const SEARCH = '/api/companies/search';
const EXPORT = '/api/companies/search/export';
const RUNS = 40;

/** A string slot of the body: a valid choice, or a prototype name. */
interface Slot {
  value: string;
  /** The JSON path a 400 must name when the value is refused; undefined when the value is valid there. */
  refusedAt: string | undefined;
  /** Refused by the schema (a pattern, a length) rather than by the lookup after it. */
  isSchemaRefusal: boolean;
}

const isPrototypeName = (value: string) => PROTOTYPE_NAMES.includes(value);

interface SlotRules {
  isValid?: (value: string) => boolean;
  /** The schema's own rule for the slot: a value it breaks is refused before any name is looked up. */
  isSchemaValid?: (value: string) => boolean;
}

function slot(path: string, valid: readonly string[], rules: SlotRules = {}): fc.Arbitrary<Slot> {
  const { isValid = (value: string) => !isPrototypeName(value), isSchemaValid = () => true } = rules;
  return fc.oneof(fc.constantFrom(...valid), fc.constantFrom(...PROTOTYPE_NAMES)).map((value) => ({
    value,
    refusedAt: isValid(value) ? undefined : path,
    isSchemaRefusal: !isSchemaValid(value),
  }));
}

/** search-body.ts: Operator and exportType are at most 16 characters; a Condition is AND or OR. */
const upTo16 = { isSchemaValid: (value: string) => value.length <= 16 };
const condition = { isSchemaValid: (value: string) => /^(and|or)$/i.test(value) };

const ITEM_PATH = 'filter.FilterGroups[0].FilterItems[0]';
const TEXT_VALUES = ['a', 'Co', ''];

/** A field with its operators and values; text fields take any value, prototype names included. */
const FIELDS = [
  { names: ['CompanyName', 'tags', 'RESELLERNAME'], operators: ['Contains', '=', '!='], values: TEXT_VALUES },
  { names: ['TargetUserCount', 'numberofusers'], operators: ['>', '<=', '!='], values: ['10', '2.5', '3000000000'] },
  { names: ['LicenseEndDate', 'renewaldate'], operators: ['<', '>='], values: ['2026-01-01'] },
  { names: ['LicenceExpired'], operators: ['='], values: ['true', 'false'] },
];

const item = fc.constantFrom(...FIELDS).chain((field) =>
  fc.record({
    FieldName: slot(`${ITEM_PATH}.FieldName`, field.names),
    Operator: slot(`${ITEM_PATH}.Operator`, field.operators, upTo16),
    Value: slot(`${ITEM_PATH}.Value`, field.values, {
      isValid: (value) => field.values === TEXT_VALUES || !isPrototypeName(value),
    }),
  }),
);

const body = fc.record({
  orderBy: slot('orderBy', [...ORDER_BY_ACCEPTED, 'companyname', 'RENEWALDATE']),
  exportType: slot('exportType', ['CSV', 'Excel', 'xlsx'], upTo16),
  topCondition: slot('filter.Condition', ['AND', 'OR', 'or'], condition),
  groupCondition: slot('filter.FilterGroups[0].Condition', ['AND', 'OR'], condition),
  searchText: slot('filter.SearchInputTextValue', ['', 'a'], { isValid: () => true }),
  item,
  /** A property added at one level of the body, under a prototype name: never a known property. */
  extraKey: fc.option(
    fc.tuple(fc.constantFrom('body', 'filter', 'group', 'item'), fc.constantFrom(...PROTOTYPE_NAMES)),
    { nil: undefined, freq: 3 },
  ),
});

type BodyCase = typeof body extends fc.Arbitrary<infer T> ? T : never;

function filterOf(c: BodyCase): OracleFilter {
  return {
    Condition: c.topCondition.value,
    SearchInputTextValue: c.searchText.value,
    FilterGroups: [
      {
        Condition: c.groupCondition.value,
        FilterItems: [
          { FieldName: c.item.FieldName.value, Operator: c.item.Operator.value, Value: c.item.Value.value },
        ],
      },
    ],
  };
}

/** The body as JSON, with the extra property (a computed key, so `__proto__` is a key, not a prototype). */
function requestOf(c: BodyCase, isExport: boolean): Record<string, unknown> {
  const filter = filterOf(c) as Record<string, unknown> & { FilterGroups: Record<string, unknown>[] };
  const group = filter.FilterGroups[0] as Record<string, unknown> & { FilterItems: Record<string, unknown>[] };
  const request: Record<string, unknown> = {
    ...searchBody({ pageSize: 1000, orderBy: c.orderBy.value, filter }),
    ...(isExport ? { exportType: c.exportType.value, reportAllPages: true } : {}),
  };
  if (c.extraKey) {
    const [level, name] = c.extraKey;
    const target = { body: request, filter, group, item: group.FilterItems[0] }[level] as Record<string, unknown>;
    Object.defineProperty(target, name, { value: 'x', enumerable: true, writable: true, configurable: true });
  }
  return request;
}

const pathsOf = (slots: Slot[]) => slots.flatMap((s) => (s.refusedAt ? [s.refusedAt] : []));

/**
 * Where a 400 must point. The JSON parser refuses `__proto__` keys; then the schema refuses unknown properties and
 * what breaks its patterns and lengths, all together; then the export route its exportType; then the names looked
 * up, together: orderBy and FieldName, an Operator once its field is known, a Value once its operator applies.
 */
function refusedPaths(c: BodyCase, isExport: boolean): string[] {
  if (c.extraKey?.[1] === '__proto__') return ['body'];
  const exportSlots = isExport ? [c.exportType] : [];
  const schema = pathsOf(
    [c.topCondition, c.groupCondition, c.item.Operator, ...exportSlots].filter((s) => s.isSchemaRefusal),
  );
  if (c.extraKey || schema.length > 0) return [...(c.extraKey ? [c.extraKey[1]] : []), ...schema];
  if (pathsOf(exportSlots).length > 0) return pathsOf(exportSlots);
  const slots = [c.orderBy, c.item.FieldName];
  if (!c.item.FieldName.refusedAt) slots.push(c.item.Operator);
  if (!c.item.FieldName.refusedAt && !c.item.Operator.refusedAt) slots.push(c.item.Value);
  return pathsOf(slots);
}

function expectRefused(response: ApiResponse, paths: string[], what: string) {
  expect(response.status, what).toBe(400);
  expect(response.body.status, what).toBe('INPUT_ERROR');
  const lines = (response.body.validationMessages as string[]).join('\n');
  for (const path of paths) expect(lines, what).toContain(path);
}

describe.each(DATABASE_KINDS)('prototype names in search and export bodies on %s', (kind) => {
  let server: TestServer;
  let tree: CompanyTree;
  let token: string;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 60, ...pinnedClock });
    tree = await readCompanyTree(server.databaseLocation);
    token = await fetchToken(server.baseUrl, server.credentials.root);
  });
  afterAll(() => server?.close());

  const post = (path: string, request: unknown) => callApi(server.baseUrl, path, { token, body: request });

  it.each(['__proto__', '__PROTO__', 'constructor', 'Constructor', 'CONSTRUCTOR', 'toString', 'hasOwnProperty'])(
    'orderBy %s is a 400 naming orderBy, on search and export',
    async (orderBy) => {
      expectRefused(await post(SEARCH, searchBody({ orderBy })), ['orderBy'], SEARCH);
      expectRefused(await post(EXPORT, searchBody({ orderBy, exportType: 'CSV' })), ['orderBy'], EXPORT);
    },
  );

  it.each([
    ['search', false],
    ['export', true],
  ] as const)(
    'any name in a %s body: 200 and the oracle rows when all are valid, else a 400 naming it',
    async (_route, isExport) => {
      await fc.assert(
        fc.asyncProperty(body, async (c) => {
          const request = requestOf(c, isExport);
          const what = JSON.stringify(request);
          const response = await post(isExport ? EXPORT : SEARCH, request);
          const paths = refusedPaths(c, isExport);
          if (paths.length > 0) return expectRefused(response, paths, what);
          expect(response.status, `${what} -> ${JSON.stringify(response.body).slice(0, 300)}`).toBe(200);
          const expected = expectedMatches(
            tree.rows,
            { filter: filterOf(c) },
            { tree, todayStartMs: PINNED_TODAY_START_MS },
          );
          if (isExport) {
            expect(response.headers.get('x-total-count'), what).toBe(String(expected.length));
          } else {
            expect(sortedIds(resourceIdsOf(response.body.data.results)), what).toEqual(
              sortedIds(expected.map((row) => row.resourceId)),
            );
          }
        }),
        { numRuns: RUNS },
      );
    },
  );
});
