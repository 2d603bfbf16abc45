// A parsed filter predicate as one Kysely expression over the companies table. Every value is a bound
// parameter; LIKE patterns escape their wildcards.
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import { FIELD_TYPES, type FieldName } from '../../../contract/index.js';
import type { LapseDatabase } from '../../db/index.js';
import { expiredCondition, TAG_SEPARATOR } from '../../db/index.js';
import { type ColumnFieldName, FILTER_COLUMNS } from '../company-records.js';
import { dayTextSql, decimalTextSql } from './displayed-text.js';
import type { DateValue, Predicate } from './parse-filter.js';

type Eb = ExpressionBuilder<LapseDatabase, 'companies'>;
type Column = (typeof FILTER_COLUMNS)[keyof typeof FILTER_COLUMNS];

/** The parser gives column predicates only for fields that have a column. */
const columnOf = (field: FieldName): Column => FILTER_COLUMNS[field as ColumnFieldName];
type Comparison = '=' | '!=' | '>' | '>=' | '<' | '<=';

function likePattern(fragment: string): string {
  return `%${fragment.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function likeText(text: Expression<unknown>, fragment: string): Expression<SqlBool> {
  return sql<SqlBool>`${text} like ${likePattern(fragment)} escape '\\'`;
}

function like(eb: Eb, column: Column, fragment: string): Expression<SqlBool> {
  return likeText(eb.ref(`companies.${column}`), fragment);
}

function hasTag(eb: Eb, folded: string): Expression<SqlBool> {
  return folded.includes(TAG_SEPARATOR)
    ? eb.lit(false)
    : like(eb, FILTER_COLUMNS.Tags, `${TAG_SEPARATOR}${folded}${TAG_SEPARATOR}`);
}

/** contract §4: a field's displayed text (a day as YYYY-MM-DD, a number in decimal, an id as it is) holds `folded`. */
function displayedText(eb: Eb, field: FieldName, folded: string): Expression<SqlBool> {
  const ref = eb.ref(`companies.${columnOf(field)}`);
  const type = FIELD_TYPES[field];
  // Ids are ASCII: lower() folds them alike on both databases, as the value is folded.
  const text = type === 'date' ? dayTextSql(ref) : type === 'number' ? decimalTextSql(ref) : sql`lower(${ref})`;
  return likeText(text, folded);
}

/** A stored module list (JSON text) names one of `names`: each is looked for with its JSON quotes. */
function hasModule(eb: Eb, names: readonly string[]): Expression<SqlBool> {
  if (names.length === 0) return eb.lit(false);
  return eb.or(names.map((name) => like(eb, 'license_modules', JSON.stringify(name))));
}

function compileText(eb: Eb, column: Column, operator: string, folded: string, isTags: boolean): Expression<SqlBool> {
  const ref = eb.ref(`companies.${column}`);
  if (isTags) {
    // Tags: Contains = some tag contains the text; = / != = some tag / no tag equals it.
    if (folded.includes(TAG_SEPARATOR)) return eb.lit(operator === '!=');
    // An empty text is in every tag, but a company without tags has no tag to contain it.
    if (operator === 'Contains') return folded === '' ? eb(ref, '<>', '') : like(eb, column, folded);
    return operator === '=' ? hasTag(eb, folded) : eb.not(hasTag(eb, folded));
  }
  if (operator === 'Contains') return like(eb, column, folded);
  if (operator === '=') return eb(ref, '=', folded);
  // Decision: "!=" also keeps companies that have no value at all (no industry is "not Retail").
  return eb.or([eb(ref, 'is', null), eb(ref, '<>', folded)]);
}

/** contract §4: a day compares by calendar day (UTC), a date-time as an instant; null never matches. */
function compileDate(eb: Eb, column: Column, operator: Comparison, value: DateValue): Expression<SqlBool> {
  const ref = eb.ref(`companies.${column}`);
  if (value.kind === 'instant') {
    return eb.and([eb(ref, 'is not', null), eb(ref, operator === '!=' ? '<>' : operator, value.ms)]);
  }
  const { startMs, endMs } = value;
  const ranges: Record<Comparison, Expression<SqlBool>> = {
    '=': eb.and([eb(ref, '>=', startMs), eb(ref, '<', endMs)]),
    '!=': eb.or([eb(ref, '<', startMs), eb(ref, '>=', endMs)]),
    '<': eb(ref, '<', startMs),
    '<=': eb(ref, '<', endMs),
    '>': eb(ref, '>=', endMs),
    '>=': eb(ref, '>=', startMs),
  };
  return ranges[operator];
}

export function compilePredicate(predicate: Predicate, todayStartMs: number) {
  const compile = (eb: Eb, node: Predicate): Expression<SqlBool> => {
    switch (node.kind) {
      case 'all':
      case 'any': {
        if (node.children.length === 0) return eb.lit(true);
        const children = node.children.map((child) => compile(eb, child));
        return node.kind === 'all' ? eb.and(children) : eb.or(children);
      }
      case 'text':
        return compileText(eb, columnOf(node.field), node.operator, node.folded, node.field === 'Tags');
      case 'anyTag':
        return node.folded.length === 0 ? eb.lit(false) : eb.or(node.folded.map((tag) => hasTag(eb, tag)));
      case 'ids':
        return eb(eb.ref(`companies.${columnOf(node.field)}`), 'in', node.ids);
      case 'modules':
        return hasModule(eb, node.names);
      case 'number':
        // Cast: PostgreSQL would read the value as the column's 32-bit type, which a bound past it overflows.
        return eb(
          eb.ref(`companies.${columnOf(node.field)}`),
          node.operator,
          sql<number>`cast(${node.value} as bigint)`,
        );
      case 'displayed':
        return displayedText(eb, node.field, node.folded);
      case 'limited':
        return eb('companies.is_number_of_users_limited', '=', 1);
      case 'verdict':
        return eb.lit(node.isTrue);
      case 'date':
        return compileDate(eb, columnOf(node.field), node.operator as Comparison, node.value);
      case 'expired':
        return expiredCondition(eb, todayStartMs, node.isExpired);
      case 'textSearch':
        // contract §4: SearchInputTextValue searches the company name and the reseller name.
        return eb.or([
          like(eb, FILTER_COLUMNS.CompanyName, node.folded),
          like(eb, FILTER_COLUMNS.ResellerName, node.folded),
        ]);
    }
  };
  return (eb: Eb) => compile(eb, predicate);
}
