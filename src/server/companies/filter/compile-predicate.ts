// A parsed filter predicate as one Kysely expression over the companies table. Every value is a bound
// parameter; LIKE patterns escape their wildcards.
import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { LapseDatabase } from '../../db/index.js';
import { expiredCondition, TAG_SEPARATOR } from '../../db/index.js';
import { FILTER_COLUMNS } from '../company-records.js';
import type { DateValue, Predicate } from './parse-filter.js';

type Eb = ExpressionBuilder<LapseDatabase, 'companies'>;
type Column = (typeof FILTER_COLUMNS)[keyof typeof FILTER_COLUMNS];
type Comparison = '=' | '!=' | '>' | '>=' | '<' | '<=';

function likePattern(fragment: string): string {
  return `%${fragment.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function like(eb: Eb, column: Column, fragment: string): Expression<SqlBool> {
  return sql<SqlBool>`${eb.ref(`companies.${column}`)} like ${likePattern(fragment)} escape '\\'`;
}

function compileText(eb: Eb, column: Column, operator: string, folded: string, isTags: boolean): Expression<SqlBool> {
  const ref = eb.ref(`companies.${column}`);
  if (isTags) {
    // Tags: Contains = some tag contains the text; = / != = some tag / no tag equals it.
    if (folded.includes(TAG_SEPARATOR)) return eb.lit(operator === '!=');
    // An empty text is in every tag, but a company without tags has no tag to contain it.
    if (operator === 'Contains') return folded === '' ? eb(ref, '<>', '') : like(eb, column, folded);
    const hasTag = like(eb, column, `${TAG_SEPARATOR}${folded}${TAG_SEPARATOR}`);
    return operator === '=' ? hasTag : eb.not(hasTag);
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
        return compileText(eb, FILTER_COLUMNS[node.field], node.operator, node.folded, node.field === 'Tags');
      case 'ids':
        return eb(eb.ref(`companies.${FILTER_COLUMNS[node.field]}`), 'in', node.ids);
      case 'number':
        // Cast: PostgreSQL would read the value as the column's 32-bit type, which a bound past it overflows.
        return eb(
          eb.ref(`companies.${FILTER_COLUMNS[node.field]}`),
          node.operator,
          sql<number>`cast(${node.value} as bigint)`,
        );
      case 'verdict':
        return eb.lit(node.isTrue);
      case 'date':
        return compileDate(eb, FILTER_COLUMNS[node.field], node.operator as Comparison, node.value);
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
