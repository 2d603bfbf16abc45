// Turns a validated-shape filter (contract §4) into a typed predicate tree, collecting every problem with the
// JSON path that names it. The shape (types, depth) is already checked by the TypeBox schema.
import {
  addDays,
  canonicalCondition,
  canonicalFieldName,
  canonicalOperator,
  DATE_VALUE_FORM,
  dayStartUtc,
  FIELD_TYPES,
  FILTER_LIMITS,
  type FieldName,
  type Filter,
  type FilterGroup,
  type FilterItem,
  licenseModuleNamed,
  NUMBER_VALUE_FORM,
  parseDateTime,
  parseDay,
  parseMonthValue,
  parseNumberValue,
  TRAINING_CONSUMPTION_STATUSES,
} from '../../../contract/index.js';
import { foldText } from '../../db/index.js';
import { compareInteger } from './integer-comparison.js';

/** A date value: a calendar day compares as the UTC day [startMs, endMs); a date-time as one instant. */
export type DateValue = { kind: 'day'; startMs: number; endMs: number } | { kind: 'instant'; ms: number };

export type Predicate =
  | { kind: 'all' | 'any'; children: Predicate[] }
  | { kind: 'text'; field: FieldName; operator: string; folded: string }
  | { kind: 'anyTag'; folded: string[] }
  | { kind: 'ids'; field: FieldName; ids: string[] }
  | { kind: 'modules'; names: string[] }
  | { kind: 'number'; field: FieldName; operator: '=' | '<>' | '>=' | '<='; value: number }
  | { kind: 'displayed'; field: FieldName; folded: string }
  | { kind: 'limited' }
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
  const ms = parseDateTime(text.trim());
  return ms === undefined ? undefined : { kind: 'instant', ms };
}

const listOf = (value: string) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);

/** What a parse of the whole filter gathers besides the predicate. */
interface FilterState {
  problems: string[];
  items: number;
  /** contract §4 MonthlyActiveUser: the month the search reports, and the path that chose it. */
  usageMonth?: { month: string; path: string };
}

type Bad = (what: string) => undefined;

/** contract §4: an unlimited licence has no number limit, so no numeric comparison on NumberOfUsers matches it. */
function onLimit(field: FieldName, predicate: Predicate): Predicate {
  return field === 'NumberOfUsers' ? { kind: 'all', children: [{ kind: 'limited' }, predicate] } : predicate;
}

function parseNumber(field: FieldName, operator: string, value: string, bad: Bad): Predicate | undefined {
  if (operator === 'Contains') return onLimit(field, { kind: 'displayed', field, folded: foldText(value) });
  const number = parseNumberValue(value);
  if (!number) return bad(NUMBER_VALUE_FORM);
  const comparison = compareInteger(operator, number);
  return onLimit(
    field,
    typeof comparison === 'boolean'
      ? { kind: 'verdict', isTrue: comparison }
      : { kind: 'number', field, ...comparison },
  );
}

function parseBoolean(operator: string, value: string, bad: Bad): Predicate | undefined {
  const lower = value.trim().toLowerCase();
  if (operator === 'Contains') {
    // The displayed text is "true" or "false": the value picks the licences whose text holds it.
    const [inTrue, inFalse] = ['true', 'false'].map((text) => text.includes(foldText(value)));
    if (inTrue === inFalse) return { kind: 'verdict', isTrue: inTrue === true };
    return { kind: 'expired', isExpired: inTrue === true };
  }
  return lower === 'true' || lower === 'false'
    ? { kind: 'expired', isExpired: lower === 'true' }
    : bad('"true" or "false"');
}

/**
 * Decision (docs/decisions.md): lapse holds no training data, so no company has a training vendor, enrolment or
 * consumption: `!=` keeps every company (as it keeps companies without a value elsewhere), every other operator
 * none. The values are still checked, so a script's mistake is a 400 here as it would be at the vendor.
 */
function parseTraining(field: FieldName, operator: string, value: string, bad: Bad): Predicate | undefined {
  const verdict: Predicate = { kind: 'verdict', isTrue: operator === '!=' };
  if (operator === 'Contains' || field === 'TrainingVendorId') return verdict;
  const parts = listOf(value);
  if (field === 'TrainingConsumptionStatus') {
    const isStatus = (part: string) => (TRAINING_CONSUMPTION_STATUSES as readonly string[]).includes(part);
    return parts.length > 0 && parts.every(isStatus) ? verdict : bad('"1", "2" or "1,2"');
  }
  return parts.length > 0 && parts.every((part) => parseMonthValue(part)) ? verdict : bad('a month YYYY-MM');
}

/** contract §4: MonthlyActiveUser picks the month the search reports; it filters no row by itself. */
function chooseMonth(value: string, path: string, state: FilterState, bad: Bad): undefined {
  const month = parseMonthValue(value);
  if (!month) return bad('a month YYYY-MM (month 01 to 12)');
  const chosen = state.usageMonth;
  if (chosen === undefined) state.usageMonth = { month, path };
  else if (chosen.month !== month) {
    state.problems.push(
      `${path}.Value: ${show(value)}: ${chosen.path} already chose ${chosen.month}; a search reports one month`,
    );
  }
  return undefined;
}

function parseValue(field: FieldName, operator: string, item: FilterItem, path: string, state: FilterState) {
  const value = item.Value;
  const bad: Bad = (what) => {
    state.problems.push(`${path}.Value: ${show(value)} is not ${what}`);
    return undefined;
  };
  if (value.includes(NUL)) return bad('text without a NUL character');
  switch (FIELD_TYPES[field]) {
    case 'text':
      return { kind: 'text', field, operator, folded: foldText(value) } as const;
    case 'tagList':
      return operator === 'Include'
        ? ({ kind: 'anyTag', folded: listOf(value).map(foldText) } as const)
        : ({ kind: 'text', field, operator, folded: foldText(value) } as const);
    case 'idList': {
      if (operator === 'Contains') return { kind: 'displayed', field, folded: foldText(value) } as const;
      const ids = operator === 'Include' ? listOf(value) : [value.trim()].filter(Boolean);
      return ids.length > 0
        ? ({ kind: 'ids', field, ids } as const)
        : bad('a resource id or a comma-separated list of them');
    }
    case 'moduleList': {
      const ids = operator === 'Include' ? listOf(value) : [value.trim()].filter(Boolean);
      if (ids.length === 0) return bad('a module resource id or a comma-separated list of them');
      const names = ids.map(licenseModuleNamed).filter((name) => name !== undefined);
      return { kind: 'modules', names } as const;
    }
    case 'number':
      return parseNumber(field, operator, value, bad);
    case 'date': {
      if (operator === 'Contains') return { kind: 'displayed', field, folded: foldText(value) } as const;
      const date = parseDateValue(value);
      return date ? ({ kind: 'date', field, operator, value: date } as const) : bad(DATE_VALUE_FORM);
    }
    case 'boolean':
      return parseBoolean(operator, value, bad);
    case 'usageMonth':
      return chooseMonth(value, path, state, bad);
    case 'training':
      return parseTraining(field, operator, value, bad);
  }
}

function parseItem(item: FilterItem, path: string, state: FilterState): Predicate | undefined {
  const customField = item.CustomFieldName?.trim() ?? '';
  if (customField !== '') {
    state.problems.push(`${path}.CustomFieldName: ${show(customField)} is not a field: lapse has no custom fields`);
    return undefined;
  }
  const field = canonicalFieldName(item.FieldName.trim());
  if (!field) {
    state.problems.push(`${path}.FieldName: ${show(item.FieldName)} is not a known field`);
    return undefined;
  }
  const operator = canonicalOperator(FIELD_TYPES[field], item.Operator);
  if (!operator) {
    state.problems.push(`${path}.Operator: ${show(item.Operator)} does not apply to ${field}`);
    return undefined;
  }
  return parseValue(field, operator, item, path, state);
}

function parseGroup(group: FilterGroup, path: string, state: FilterState): Predicate {
  const condition = canonicalCondition(group.Condition);
  if (!condition) state.problems.push(`${path}.Condition: ${show(String(group.Condition))} is not "AND" or "OR"`);
  const children: Predicate[] = [];
  (group.FilterItems ?? []).forEach((item, index) => {
    state.items += 1;
    const parsed = parseItem(item, `${path}.FilterItems[${index}]`, state);
    if (parsed) children.push(parsed);
  });
  (group.FilterGroups ?? []).forEach((inner, index) => {
    children.push(parseGroup(inner, `${path}.FilterGroups[${index}]`, state));
  });
  return { kind: condition === 'OR' ? 'any' : 'all', children };
}

export interface ParsedFilter {
  /** Null when there is nothing to filter on. */
  predicate: Predicate | null;
  problems: string[];
  /** The month MonthlyActiveUser chose (`YYYY-MM`), or null: the current month. */
  usageMonth: string | null;
}

/**
 * A filter as a predicate, the month it reports, and the list of problems found. An empty group constrains
 * nothing, whatever its condition; so does a group holding only MonthlyActiveUser.
 */
export function parseFilter(filter: Filter | null | undefined, path = 'filter'): ParsedFilter {
  const state: FilterState = { problems: [], items: 0 };
  if (!filter) return { predicate: null, problems: state.problems, usageMonth: null };
  const top = parseGroup({ Condition: filter.Condition, FilterGroups: filter.FilterGroups }, path, state);
  if (state.items > FILTER_LIMITS.maxItems) {
    state.problems.push(`${path}: ${state.items} filter items; at most ${FILTER_LIMITS.maxItems} are allowed`);
  }
  const text = filter.SearchInputTextValue?.trim();
  if (text?.includes(NUL)) state.problems.push(`${path}.SearchInputTextValue: ${show(text)} holds a NUL character`);
  const parts = [top, ...(text ? [{ kind: 'textSearch', folded: foldText(text) } as const] : [])];
  return {
    predicate: { kind: 'all', children: parts },
    problems: state.problems,
    usageMonth: state.usageMonth?.month ?? null,
  };
}
