// A bulk load through a connection's own row writer, in one transaction: for a database whose fastest way in is
// its prepared inserts (SQLite), where PostgreSQL has COPY (dialects/postgres-bulk-load.ts).
import type { Kysely } from 'kysely';
import type { BulkLoad, DialectConnection } from './dialect.js';
import type { LapseDatabase } from './schema.js';

function rowObjects(columns: readonly string[], batch: readonly (readonly unknown[])[]): object[] {
  return batch.map((values) => Object.fromEntries(columns.map((column, index) => [column, values[index]])));
}

export function bulkLoadByRows(
  db: Kysely<LapseDatabase>,
  writeRows: DialectConnection['writeRows'],
): DialectConnection['bulkLoad'] {
  return (load) =>
    db.transaction().execute((trx) => {
      const target: BulkLoad = {
        db: trx,
        async writeTable(table, columns, batches) {
          for await (const batch of batches) await writeRows(trx, table, rowObjects(columns, batch));
        },
        async *selectBatches(query, batchSize) {
          for await (const result of trx.getExecutor().stream(query, batchSize)) {
            yield (result.rows as object[]).map((row) => Object.values(row));
          }
        },
      };
      return load(target);
    });
}
