// Turns a validated-shape filter (contract §4) into a typed predicate tree, collecting every problem with the
// JSON path that names it. The shape (types, depth) is already checked by the TypeBox schema.
import {
  addDays,
  canonicalCondition,
  canonicalFieldName,
  canonicalOperator,
  dayStartUtc,
  FIELD_TYPES,
  FILTER_LIMITS,
  type FieldName,
  type Filter,
  type FilterGroup,
  type FilterItem,
  NUMBER_VALUE_FORM,
  parseDay,
  parseInstant,
  parseNumberValue,
} from '../../../contract/index.js';
import { foldText } from '../../db/index.js';
import { compareInteger } from './integer-comparison.js';

/** A date value: a calendar day compares as the UTC day [startMs, endMs); a date-time as one instant. */
export type DateValue = { kind: 'day'; startMs: number; endMs: number } | { kind: 'instant'; ms: number };

export type Predicate =
  | { kind: 'all' | 'any'; children: Predicate[] }
  | { kind: 'text'; field: FieldName; operator: string; folded: string }
  | { kind: 'ids'; field: FieldName; ids: string[] }
  | { kind: 'number'; field: FieldName; operator: '=' | '<>' | '>=' | '<='; value: number }
  | { kind: 'verdict'; isTrue: boolean }
  | { kind: 'date'; field: FieldName; operator: string; value: DateValue }
  | { kind: 'expired'; isExpired: boolean }
  | { kind: 'textSearch'; folded: string };

/** No stored text holds U+0000 (PostgreSQL text cannot): SQLite's LIKE would stop at it and PostgreSQL reject it. */
const NUL = '\u0000';

function show(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value);
}

function parseDateValue(text: string): DateValue | undefined {
  const day = parseDay(text.trim());
  if (day) return { kind: 'day', startMs: dayStartUtc(day), endMs: dayStartUtc(addDays(day, 1)) };
  const ms = parseInstant(text.trim());
  return ms === undefined ? undefined : { kind: 'instant', ms };
}

function parseItem(item: FilterItem, path: string, problems: string[]): Predicate | undefined {
  const field = canonicalFieldName(item.FieldName.trim());
  if (!field) {
    problems.push(`${path}.FieldName: ${show(item.FieldName)} is not a known field`);
    return undefined;
  }
  const type = FIELD_TYPES[field];
  const operator = canonicalOperator(type, item.Operator);
  if (!operator) {
    problems.push(`${path}.Operator: ${show(item.Operator)} does not apply to ${field}`);
    return undefined;
  }
  const value = item.Value;
  const bad = (what: string) => {
    problems.push(`${path}.Value: ${show(value)} is not ${what}`);
    return undefined;
  };
  if (value.includes(NUL)) return bad('text without a NUL character');
  switch (type) {
    case 'text':
      return { kind: 'text', field, operator, folded: foldText(value) };
    case 'idList': {
      const ids = (operator === 'Include' ? value.split(',') : [value]).map((id) => id.trim()).filter(Boolean);
      return ids.length > 0 ? { kind: 'ids', field, ids } : bad('a resource id or a comma-separated list of them');
    }
    case 'number': {
      const number = parseNumberValue(value);
      if (!number) return bad(NUMBER_VALUE_FORM);
      const comparison = compareInteger(operator, number);
      return typeof comparison === 'boolean'
        ? { kind: 'verdict', isTrue: comparison }
        : { kind: 'number', field, ...comparison };
    }
    case 'date': {
      const date = parseDateValue(value);
      return date ? { kind: 'date', field, operator, value: date } : bad('an ISO-8601 date');
    }
    case 'boolean': {
      const lower = value.trim().toLowerCase();
      return lower === 'true' || lower === 'false'
        ? { kind: 'expired', isExpired: lower === 'true' }
        : bad('"true" or "false"');
    }
  }
}

interface Counter {
  items: number;
}

function parseGroup(group: FilterGroup, path: string, problems: string[], counter: Counter): Predicate {
  const condition = canonicalCondition(group.Condition);
  if (!condition) problems.push(`${path}.Condition: ${show(String(group.Condition))} is not "AND" or "OR"`);
  const children: Predicate[] = [];
  (group.FilterItems ?? []).forEach((item, index) => {
    counter.items += 1;
    const parsed = parseItem(item, `${path}.FilterItems[${index}]`, problems);
    if (parsed) children.push(parsed);
  });
  (group.FilterGroups ?? []).forEach((inner, index) => {
    children.push(parseGroup(inner, `${path}.FilterGroups[${index}]`, problems, counter));
  });
  return { kind: condition === 'OR' ? 'any' : 'all', children };
}

/**
 * A filter as a predicate (null when there is nothing to filter on), or the list of problems found.
 * An empty group constrains nothing, whatever its condition.
 */
export function parseFilter(
  filter: Filter | null | undefined,
  path = 'filter',
): { predicate: Predicate | null; problems: string[] } {
  const problems: string[] = [];
  if (!filter) return { predicate: null, problems };
  const counter: Counter = { items: 0 };
  const top = parseGroup({ Condition: filter.Condition, FilterGroups: filter.FilterGroups }, path, problems, counter);
  if (counter.items > FILTER_LIMITS.maxItems) {
    problems.push(`${path}: ${counter.items} filter items; at most ${FILTER_LIMITS.maxItems} are allowed`);
  }
  const text = filter.SearchInputTextValue?.trim();
  if (text?.includes(NUL)) problems.push(`${path}.SearchInputTextValue: ${show(text)} holds a NUL character`);
  const parts = [top, ...(text ? [{ kind: 'textSearch', folded: foldText(text) } as const] : [])];
  return { predicate: { kind: 'all', children: parts }, problems };
}
