// contract §4's licence rules (src/contract/licence-rules.ts) as SQL over the companies table, for filters, the
// database-written JSON and the stored over-limit column: each rule is built here once.
import { type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool, sql } from 'kysely';
import type { LapseDatabase } from './schema.js';

type Eb = ExpressionBuilder<LapseDatabase, 'companies'>;

/** isExpiredAt: a renewal instant before the day's start. Null (open-ended) is unknown to SQL: never true. */
export function expiredSql(renewalAt: Expression<unknown>, dayStartMs: number): RawBuilder<SqlBool> {
  return sql<SqlBool>`${renewalAt} < ${dayStartMs}`;
}

/** Companies expired on the day starting at `dayStartMs`, or not. */
export function expiredCondition(eb: Eb, dayStartMs: number, isExpired: boolean): Expression<SqlBool> {
  const renewalAt = eb.ref('companies.license_end_at');
  // The complement written as a range (at or after the day's start), so an index on the renewal date serves it.
  return isExpired
    ? expiredSql(renewalAt, dayStartMs)
    : eb.or([eb(renewalAt, 'is', null), eb(renewalAt, '>=', dayStartMs)]);
}

/** isOverLimit, as 1 or 0: the definition of the stored `is_over_limit` column. */
export const overLimitSql = sql`case when is_number_of_users_limited = 1 and target_user_count > number_of_users then 1 else 0 end`;

/** Companies over their licence limit (the stored column, so an index can carry it). */
export function overLimitCondition(eb: Eb): Expression<SqlBool> {
  return eb('companies.is_over_limit', '=', 1);
}
