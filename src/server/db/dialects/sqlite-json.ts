// SqlJson on SQLite: its JSON1 functions write a company's JSON text (see SEARCH_COMPANY in companies/company-records.ts).
import { type RawBuilder, sql } from 'kysely';
import type { SqlJson } from '../dialect.js';

type Expression = RawBuilder<unknown>;

/** The milliseconds past the second of epoch ms, before 1970 too (SQLite's integer `%` truncates towards zero). */
const sqliteMillisOf = (ms: Expression) => sql`((${ms} % 1000 + 1000) % 1000)`;

export const sqliteJson: SqlJson = {
  object: (entries) => sql<string>`json_object(${sql.join(entries.flatMap(([key, value]) => [sql.lit(key), value]))})`,
  boolean: (condition) => sql`json(iif(${condition}, 'true', 'false'))`,
  embed: (jsonText) => sql`json(${jsonText})`,
  // strftime and printf of a null are null, and so is `||` with a null: a null instant stays null.
  isoInstant: (ms) =>
    sql`strftime('%Y-%m-%dT%H:%M:%S', (${ms} - ${sqliteMillisOf(ms)}) / 1000, 'unixepoch') || printf('.%03dZ', ${sqliteMillisOf(ms)})`,
  decimalText: (integer) => sql`cast(${integer} as text)`,
};
