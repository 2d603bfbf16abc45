// contract §4: "property names are accepted in camelCase or PascalCase". Bodies are rewritten to the canonical
// spelling before validation, so the schemas (and everything after them) see one spelling only.
import { FILTER_LIMITS } from './filter-language.js';

const BODY_KEYS = [
  'pageNumber',
  'pageSize',
  'orderBy',
  'ascending',
  'filter',
  'isTargetUserCountExceededLimit',
  'isClustered',
  'exportType',
  'reportAllPages',
];
const FILTER_KEYS = ['Condition', 'SearchInputTextValue', 'FilterGroups'];
const GROUP_KEYS = ['Condition', 'FilterItems', 'FilterGroups'];
const ITEM_KEYS = ['FieldName', 'Operator', 'Value', 'CustomFieldName'];

function lookup(keys: string[]): Map<string, string> {
  return new Map(keys.map((key) => [key.toLowerCase(), key]));
}
const bodyKeys = lookup(BODY_KEYS);
const filterKeys = lookup(FILTER_KEYS);
const groupKeys = lookup(GROUP_KEYS);
const itemKeys = lookup(ITEM_KEYS);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Renames known keys case-insensitively; unknown keys are kept so validation can name them. */
function renameKeys(value: unknown, keys: Map<string, string>): unknown {
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    const canonical = keys.get(key.toLowerCase()) ?? key;
    // A body carrying both spellings keeps the canonical one, so the result never depends on key order.
    if (Object.hasOwn(out, canonical) && canonical !== key) continue;
    Object.defineProperty(out, canonical, { value: inner, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** A body with the given property names matched case-insensitively (unknown keys kept, for validation to name). */
export function renameKnownKeys(body: unknown, keys: readonly string[]): unknown {
  return renameKeys(body, lookup([...keys]));
}

function mapArray(value: unknown, each: (item: unknown) => unknown): unknown {
  return Array.isArray(value) ? value.map(each) : value;
}

function normaliseItem(item: unknown): unknown {
  const out = renameKeys(item, itemKeys);
  // The vendor's schema has customFieldName nullable: null is no custom field.
  if (isPlainObject(out) && out.CustomFieldName === null) delete out.CustomFieldName;
  return out;
}

function normaliseGroup(group: unknown, depth: number): unknown {
  // Past the deepest group validation accepts, leave the rest as it is: it is rejected anyway, and hostile
  // bodies nested thousands deep must not cost a deep recursion here.
  if (depth > FILTER_LIMITS.maxDepth + 1) return group;
  const out = renameKeys(group, groupKeys);
  if (!isPlainObject(out)) return out;
  if (Object.hasOwn(out, 'FilterItems')) out.FilterItems = mapArray(out.FilterItems, normaliseItem);
  if (Object.hasOwn(out, 'FilterGroups'))
    out.FilterGroups = mapArray(out.FilterGroups, (inner) => normaliseGroup(inner, depth + 1));
  return out;
}

export function normaliseFilterKeys(filter: unknown): unknown {
  const out = renameKeys(filter, filterKeys);
  if (isPlainObject(out) && out.SearchInputTextValue === null) delete out.SearchInputTextValue;
  if (isPlainObject(out) && Object.hasOwn(out, 'FilterGroups')) {
    out.FilterGroups = mapArray(out.FilterGroups, (group) => normaliseGroup(group, 1));
  }
  return out;
}

const NULL_MEANS_ABSENT = ['filter', 'isTargetUserCountExceededLimit', 'isClustered', 'reportAllPages'];

/** Canonical key spelling, and optional fields sent as null removed (null means absent). */
export function normaliseBodyKeys(body: unknown): unknown {
  const out = renameKeys(body, bodyKeys);
  if (!isPlainObject(out)) return out;
  for (const key of NULL_MEANS_ABSENT) if (out[key] === null) delete out[key];
  if (Object.hasOwn(out, 'filter')) out.filter = normaliseFilterKeys(out.filter);
  return out;
}
