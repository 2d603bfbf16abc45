// contract §4: `Contains` on a date or number field matches its displayed text. The texts are written in SQL both
// databases evaluate alike (integer arithmetic, `cast`, `substr`, `||`), so no dialect decides what a day reads as.
import { type Expression, type RawBuilder, sql } from 'kysely';
import { DAY_MS } from '../../../contract/index.js';

type Sql = Expression<unknown>;

/** Days the epoch is shifted by so every stored instant (years 0000–9999) divides as a non-negative number. */
const DAY_SHIFT = 800_000;
/** Days from 0000-03-01 to the epoch, plus one 400-year era so 0000-01 and 0000-02 stay non-negative too. */
const CIVIL_SHIFT = 719_468 + 146_097;

const int = (value: number) => sql.lit(value);

/**
 * An epoch-ms column's UTC day as `YYYY-MM-DD` text (null stays null): days to a civil date by H. Hinnant's
 * algorithm, every division on non-negative integers so truncation is the floor on both databases.
 */
export function dayTextSql(ms: Sql): RawBuilder<string> {
  const z = sql`((${ms} + ${int(DAY_SHIFT * DAY_MS)}) / ${int(DAY_MS)} - ${int(DAY_SHIFT)} + ${int(CIVIL_SHIFT)})`;
  const era = sql`(${z} / 146097)`;
  const doe = sql`(${z} - ${era} * 146097)`;
  const yoe = sql`((${doe} - ${doe} / 1460 + ${doe} / 36524 - ${doe} / 146096) / 365)`;
  const doy = sql`(${doe} - (365 * ${yoe} + ${yoe} / 4 - ${yoe} / 100))`;
  const mp = sql`((5 * ${doy} + 2) / 153)`;
  const day = sql`(${doy} - (153 * ${mp} + 2) / 5 + 1)`;
  const month = sql`(case when ${mp} < 10 then ${mp} + 3 else ${mp} - 9 end)`;
  const year = sql`(${yoe} + ${era} * 400 - 400 + case when ${mp} < 10 then 0 else 1 end)`;
  // 1YYYYMMDD: nine digits whatever the year, cut into the ISO form.
  const digits = sql`cast(100000000 + ${year} * 10000 + ${month} * 100 + ${day} as text)`;
  return sql<string>`substr(${digits}, 2, 4) || '-' || substr(${digits}, 6, 2) || '-' || substr(${digits}, 8, 2)`;
}

/** An integer column as its decimal text. */
export function decimalTextSql(value: Sql): RawBuilder<string> {
  return sql<string>`cast(${value} as text)`;
}
