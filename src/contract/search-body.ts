// contract §4 and §5: the search and export request bodies. These schemas validate requests, type them and
// document them in /openapi.json. Semantic checks (known fields, operators, date values) live in the filter
// compiler, which names the same JSON paths. Optional fields sent as null mean "absent" (contract §4: a null
// filter is no filter); normaliseBodyKeys drops them before validation, so the schemas need no null unions.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { FILTER_LIMITS, type Filter } from './filter-language.js';

export const MAX_PAGE_SIZE = 1000;
const MAX_INT32 = 2_147_483_647;

const ConditionSchema = Type.String({ pattern: '^([Aa][Nn][Dd]|[Oo][Rr])$', description: '"AND" or "OR"' });

export const FilterItemSchema = Type.Object(
  {
    FieldName: Type.String({ minLength: 1, maxLength: 64 }),
    Operator: Type.String({ minLength: 1, maxLength: 16 }),
    Value: Type.String({ maxLength: 16_384 }),
    CustomFieldName: Type.Optional(
      Type.String({ maxLength: 64, description: 'the vendor\'s custom fields; lapse has none, so only ""' }),
    ),
  },
  { additionalProperties: false },
);

/** Groups nest at most FILTER_LIMITS.maxDepth deep; unrolled so validation never recurses past that. */
function filterGroupSchema(depth: number): TSchema {
  const nested =
    depth < FILTER_LIMITS.maxDepth
      ? Type.Array(filterGroupSchema(depth + 1), { maxItems: FILTER_LIMITS.maxItems })
      : Type.Array(Type.Never(), {
          maxItems: 0,
          description: `groups nest at most ${FILTER_LIMITS.maxDepth} deep`,
        });
  return Type.Object(
    {
      Condition: Type.Optional(ConditionSchema),
      FilterItems: Type.Optional(Type.Array(FilterItemSchema, { maxItems: FILTER_LIMITS.maxItems })),
      FilterGroups: Type.Optional(nested),
    },
    { additionalProperties: false },
  );
}

export const FilterSchema = Type.Object(
  {
    Condition: Type.Optional(ConditionSchema),
    SearchInputTextValue: Type.Optional(Type.String({ maxLength: 256 })),
    FilterGroups: Type.Optional(Type.Array(filterGroupSchema(1), { maxItems: FILTER_LIMITS.maxItems })),
  },
  { additionalProperties: false },
);

const searchFields = {
  pageNumber: Type.Integer({ minimum: 1, maximum: MAX_INT32 }),
  pageSize: Type.Integer({ minimum: 1, maximum: MAX_PAGE_SIZE }),
  orderBy: Type.String({
    minLength: 1,
    maxLength: 64,
    description:
      'case-insensitive; one of CompanyName, ResellerName, IndustryName, LicenseTypeName, ' +
      'TargetUserCount, NumberOfUsers, MonthlyActiveUserCount, Tags, LicenseEndDate (alias RenewalDate), CreateTime',
  }),
  ascending: Type.Boolean(),
  filter: Type.Optional(FilterSchema),
  isTargetUserCountExceededLimit: Type.Optional(Type.Boolean()),
  isClustered: Type.Optional(Type.Boolean()),
};

export const SearchBodySchema = Type.Object(searchFields, { additionalProperties: false });
/** The body as callers build it: the filter typed as a tree (the schema unrolls it), null allowed where absent is. */
type Nullable<T> = { [K in keyof T]: undefined extends T[K] ? T[K] | null : T[K] };
export type SearchBody = Nullable<Omit<Static<typeof SearchBodySchema>, 'filter'> & { filter?: Filter }>;

export const EXPORT_TYPES = ['CSV', 'Excel'] as const;
export type ExportType = (typeof EXPORT_TYPES)[number];

export const ExportBodySchema = Type.Object(
  {
    ...searchFields,
    exportType: Type.String({
      minLength: 1,
      maxLength: 16,
      description: 'CSV or Excel (case-insensitive; Csv, XLSX too)',
    }),
    reportAllPages: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type ExportBody = Nullable<Omit<Static<typeof ExportBodySchema>, 'filter'> & { filter?: Filter }>;

/** contract §5: "CSV or Excel, case-insensitive; Csv, XLSX accepted". */
export function canonicalExportType(value: string): ExportType | undefined {
  const lower = value.toLowerCase();
  if (lower === 'csv') return 'CSV';
  if (lower === 'excel' || lower === 'xlsx') return 'Excel';
  return undefined;
}
