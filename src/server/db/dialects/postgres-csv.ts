// CSV cells written by PostgreSQL, byte for byte what spreadsheet/csv.ts writes from the same values (a test
// compares the two exports): the quoting and formula rules are the very patterns csv.ts and the contract use.
import { type RawBuilder, sql } from 'kysely';
import { FORMULA_START, FORMULA_START_CHARACTERS } from '../../../contract/index.js';
import { QUOTED_FIELD_CHARACTERS } from '../../../spreadsheet/index.js';
import type { SqlCsv } from '../dialect.js';

type Expression = RawBuilder<unknown>;

const LITERAL_ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "''", '\n': '\\n', '\r': '\\r' };

/**
 * A text as an SQL string literal. The E'' form reads backslashes the same whatever standard_conforming_strings
 * says, so the text comes out as it went in; line breaks are escaped too, so a statement stays on one line (as
 * a log shows it).
 */
export function textLiteralSql(text: string): string {
  return `E'${text.replace(/[\\'\n\r]/g, (character) => LITERAL_ESCAPES[character] as string)}'`;
}

const textLiteral = (text: string): RawBuilder<string> => sql.raw(textLiteralSql(text));

// Tests by character rather than by regular expression: a match costs several times a strpos, on every text cell.
const FORMULA_CODES = sql.raw(FORMULA_START_CHARACTERS.map((character) => character.codePointAt(0)).join(', '));
const needsQuotes = (value: Expression) =>
  sql`${sql.join(
    QUOTED_FIELD_CHARACTERS.map((character) => sql`strpos(${value}, ${textLiteral(character)})`),
    sql` + `,
  )} > 0`;
// neutraliseDelimitedFormulas: a `'` after each `,` or `;` that a reader splitting there would see start a formula.
const SPLIT_STARTS_AS_FORMULA = textLiteral(`[,;](?="*${FORMULA_START})`);
const AFTER_MATCH = textLiteral("\\&'");

/** neutraliseFormula (ascii() is the code of the first character, 0 for an empty text). */
const neutralised = (value: Expression) =>
  sql`case when ascii(${value}) in (${FORMULA_CODES}) then '''' || ${value} else ${value} end`;

/** `["a","b"]`: texts without quotes or backslashes, no spaces. */
const PLAIN_TEXT_LIST = textLiteral('^\\["[^"\\\\]*"(,"[^"\\\\]*")*\\]$');

/** 0001-01-01T00:00Z: PostgreSQL names the year before it 1 BC, where an ISO day (and csv.ts) says 0000. */
const FIRST_AD_MS = Date.parse('0001-01-01T00:00:00Z');
const DAY_MS = 86_400_000;

/** The UTC day of epoch ms: integer division rounding down (toward zero it would be wrong before 1970). */
const dayOf = (ms: Expression) =>
  sql`(date '1970-01-01' + ((${ms} - case when ${ms} < 0 then ${sql.lit(DAY_MS - 1)} else 0 end) / ${sql.lit(DAY_MS)})::integer)`;

export const postgresCsv: SqlCsv = {
  text: (value) =>
    sql`case when ${value} is null then '' when ${needsQuotes(value)} then '"' || replace(regexp_replace(${neutralised(value)}, ${SPLIT_STARTS_AS_FORMULA}, ${AFTER_MATCH}, 'g'), '"', '""') || '"' else ${neutralised(value)} end`,
  verbatim: (value) => sql`coalesce((${value})::text, '')`,
  boolean: (condition) => sql`case when ${condition} then 'true' else 'false' end`,
  utcDay: (ms) =>
    sql`case when ${ms} < ${sql.lit(FIRST_AD_MS)} then '0000-' || to_char(${dayOf(ms)}, 'MM-DD') else to_char(${dayOf(ms)}, 'YYYY-MM-DD') end`,
  // A list as JSON.stringify writes it, with no escape in it (most are), is cut apart as text: parsing the JSON
  // of every row cost more than the rest of its line. Any other JSON is parsed.
  joinedTextList: (jsonArray, separator) =>
    sql`case when ${jsonArray} = '[]' then '' when ${jsonArray} ~ ${PLAIN_TEXT_LIST} then replace(substr(${jsonArray}, 3, length(${jsonArray}) - 4), '","', ${textLiteral(separator)}) else coalesce((select string_agg(element, ${textLiteral(separator)} order by position) from json_array_elements_text((${jsonArray})::json) with ordinality as elements(element, position)), '') end`,
  once: (value, use) =>
    sql`(select ${use(sql.ref('computed.value'))} from (select ${value} as value offset 0) as computed)`,
  line: (fields) => sql<string>`${sql.join(fields, sql` || ',' || `)} || E'\\r\\n'`,
};
