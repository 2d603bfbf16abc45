// A bulk load into PostgreSQL at the speed of COPY: one transaction on one connection, each table written by
// COPY FROM STDIN (FREEZE, so the rows are born visible to all and no later pass rewrites their pages) into the
// table stripped of its keys and indexes, which are built again after its rows; the foreign keys are dropped for
// the load and added back at its end, where PostgreSQL checks each constraint in one join instead of one trigger
// call per row.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { BulkLoad, DialectConnection } from '../dialect.js';
import { type ChecksumColumn, TableChecksum } from '../row-checksum.js';
import { kyselyOn } from './postgres-held-connection.js';

// COPY's text format: a backslash, a line break or a tab inside a value is written as its escape.
const NEEDS_ESCAPE = /[\\\n\r\t]/;
const ESCAPED = /[\\\n\r\t]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
const escapeCharacter = (character: string) => ESCAPES[character] as string;

/** A value as COPY's text format writes it; null is `\N`. */
export function copyTextValue(value: unknown): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'string') return NEEDS_ESCAPE.test(value) ? value.replace(ESCAPED, escapeCharacter) : value;
  // String(-0) is "0", which would lose the sign a float column keeps.
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  throw new TypeError(`a ${typeof value} value cannot be copied`);
}

function copyTextLines(batch: readonly (readonly unknown[])[]): string {
  let text = '';
  for (const row of batch) {
    for (let index = 0; index < row.length; index++) {
      if (index > 0) text += '\t';
      text += copyTextValue(row[index]);
    }
    text += '\n';
  }
  return text;
}

async function* copyTextChunks(batches: AsyncIterable<readonly (readonly unknown[])[]>) {
  for await (const batch of batches) if (batch.length > 0) yield Buffer.from(copyTextLines(batch));
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A statement that takes something away for the load, and the one that puts it back after. */
interface Removal {
  drop: string;
  add: string;
}

async function removeAll(client: pg.PoolClient, query: string, values: unknown[] = []): Promise<Removal[]> {
  const { rows } = await client.query<Removal>(query, values);
  for (const removal of rows) await client.query(removal.drop);
  return rows;
}

/**
 * The table's keys and indexes. Kept during the load, each row would go into each index at a random place, and
 * an index larger than the buffer cache is then read and written page by page; built after, it is one sort.
 */
function removeIndexes(client: pg.PoolClient, table: string): Promise<Removal[]> {
  return removeAll(
    client,
    `select format('alter table %s drop constraint %I', conrelid::regclass, conname) as drop,
        format('alter table %s add constraint %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) as add
      from pg_constraint where conrelid = $1::regclass and contype in ('p', 'u')
      union all
      select format('drop index %s', indexrelid::regclass), pg_get_indexdef(indexrelid)
      from pg_index where indrelid = $1::regclass
        and not exists (select from pg_constraint where conindid = indexrelid)`,
    [quoted(table)],
  );
}

/** Every foreign key of the schema: checked once per constraint when added back, not once per row. */
function removeForeignKeys(client: pg.PoolClient): Promise<Removal[]> {
  return removeAll(
    client,
    `select format('alter table %s drop constraint %I', conrelid::regclass, conname) as drop,
        format('alter table %s add constraint %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) as add
      from pg_constraint where contype = 'f' and connamespace = current_schema()::regnamespace
      order by conrelid, conname`,
  );
}

async function restore(client: pg.PoolClient, removals: readonly Removal[]): Promise<void> {
  for (const removal of removals) await client.query(removal.add);
}

async function copyTable(
  client: pg.PoolClient,
  table: string,
  columns: readonly string[],
  batches: AsyncIterable<readonly (readonly unknown[])[]>,
): Promise<void> {
  const indexes = await removeIndexes(client, table);
  // FREEZE needs the table emptied in this transaction; it is empty already, so TRUNCATE only marks it so.
  await client.query(`truncate ${quoted(table)}`);
  const copy = client.query(
    copyFrom(`copy ${quoted(table)} (${columns.map(quoted).join(', ')}) from stdin with (freeze)`),
  );
  await pipeline(Readable.from(copyTextChunks(batches)), copy);
  await restore(client, indexes);
}

/**
 * row-checksum.ts's sum, taken by PostgreSQL over the table as it stands in the load: no row leaves the database.
 * json_build_array writes each row's canonical text; floating-point values go in as the hex of their bits.
 */
async function checksumTable(client: pg.PoolClient, table: string, columns: readonly ChecksumColumn[]) {
  const values = columns.map((column) =>
    column.isFloat ? `encode(float8send(${quoted(column.name)}), 'hex')` : quoted(column.name),
  );
  const digest = `sha256(convert_to(json_build_array(${values.join(', ')})::text, 'UTF8'))`;
  // Summed as bigint: PostgreSQL adds bigints in 128-bit integers, numerics digit by digit.
  const prefix = `('x' || encode(substring(${digest} from 1 for 8), 'hex'))::bit(64)::bigint`;
  const { rows } = await client.query<{ rows: number; sum: string }>(
    `select count(*)::integer as rows, coalesce(sum(${prefix}), 0)::text as sum from ${quoted(table)}`,
  );
  const [result] = rows;
  return TableChecksum.of(result?.rows ?? 0, result?.sum ?? '0');
}

/** Index builds sort whole tables: give them memory enough to sort in memory, for this transaction only. */
const INDEX_BUILD_MEMORY = '256MB';

export function postgresBulkLoad(pool: pg.Pool): DialectConnection['bulkLoad'] {
  return async (load) => {
    const client = await pool.connect();
    let isBroken = false;
    try {
      await client.query('begin');
      await client.query(`set local maintenance_work_mem = '${INDEX_BUILD_MEMORY}'`);
      const foreignKeys = await removeForeignKeys(client);
      const target: BulkLoad = {
        db: kyselyOn(client),
        writeTable: (table, columns, batches) => copyTable(client, table, columns, batches),
        checksum: (table, columns) => checksumTable(client, table, columns),
      };
      const result = await load(target);
      await restore(client, foreignKeys);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => {
        isBroken = true;
      });
      throw error;
    } finally {
      client.release(isBroken);
    }
  };
}
