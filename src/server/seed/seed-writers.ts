// How seeded rows reach the database: SQLite through one prepared statement on the raw connection (fast, inside
// the seed's transaction), any database through Kysely multi-row inserts (generic, slower).
import type Database from 'better-sqlite3';
import type { Transaction } from 'kysely';
import type { LapseDatabase } from '../db/schema.js';
import type { SeededCompany } from './company-tree.js';

export type Trx = Transaction<LapseDatabase>;
export type WriteRows = (trx: Trx, rows: Iterable<SeededCompany>, onRow: (row: SeededCompany) => void) => Promise<void>;

const GENERIC_BATCH_ROWS = 500;

export const writeRowsWithKysely: WriteRows = async (trx, rows, onRow) => {
  let batch: SeededCompany[] = [];
  for (const row of rows) {
    onRow(row);
    batch.push(row);
    if (batch.length === GENERIC_BATCH_ROWS) {
      await trx.insertInto('companies').values(batch).execute();
      batch = [];
    }
  }
  if (batch.length > 0) await trx.insertInto('companies').values(batch).execute();
};

/** Writes on `handle`, the connection under the Kysely instance, so the rows join the seed's open transaction. */
export function sqliteRowWriter(handle: Database.Database): WriteRows {
  return async (_trx, rows, onRow) => {
    let insert: Database.Statement | undefined;
    let columns: (keyof SeededCompany)[] = [];
    for (const row of rows) {
      onRow(row);
      if (insert === undefined) {
        columns = Object.keys(row) as (keyof SeededCompany)[];
        insert = handle.prepare(
          `insert into companies (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
        );
      }
      insert.run(columns.map((column) => row[column]));
    }
  };
}
