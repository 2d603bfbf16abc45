// `--where "Field Op Value"`: one filter item of contract §4, checked against the field table before sending.
import {
  canonicalFieldName,
  canonicalOperator,
  FIELD_TYPES,
  type Filter,
  type FilterItem,
} from '../../contract/index.js';
import { UsageError } from '../exit-codes.js';

const EXPRESSION = /^\s*([A-Za-z]+)\s*(!=|>=|<=|=|>|<|\s[A-Za-z]+\s)\s*(.*?)\s*$/;

function unquote(text: string): string {
  return /^(["']).*\1$/s.test(text) ? text.slice(1, -1) : text;
}

export function parseWhere(expression: string): FilterItem {
  const match = EXPRESSION.exec(expression);
  if (!match?.[1] || !match[2]) {
    throw new UsageError(`--where "${expression}": expected "Field Operator Value", e.g. "CompanyName Contains acme"`);
  }
  const field = canonicalFieldName(match[1]);
  if (field === undefined) {
    throw new UsageError(`--where: unknown field "${match[1]}" (one of ${Object.keys(FIELD_TYPES).join(', ')})`);
  }
  const operator = canonicalOperator(FIELD_TYPES[field], match[2].trim());
  if (operator === undefined) {
    throw new UsageError(`--where: ${field} does not take the operator "${match[2].trim()}"`);
  }
  return { FieldName: field, Operator: operator, Value: unquote(match[3] ?? '') };
}

/** Repeated --where items AND'ed, plus the free text (company or reseller name). */
export function filterFrom(wheres: readonly string[], text: string | undefined): Filter | undefined {
  if (wheres.length === 0 && !text) return undefined;
  return {
    Condition: 'AND',
    SearchInputTextValue: text ?? '',
    FilterGroups: wheres.length === 0 ? [] : [{ Condition: 'AND', FilterItems: wheres.map(parseWhere) }],
  };
}
