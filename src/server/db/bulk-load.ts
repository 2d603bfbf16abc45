// A bulk load through a connection's own row writer, in one transaction: for a database whose fastest way in is
// its prepared inserts (SQLite), where PostgreSQL has COPY (dialects/postgres-bulk-load.ts).
import type { Kysely } from 'kysely';
import type { BulkLoad, DialectConnection } from './dialect.js';
import { TableChecksum } from './row-checksum.js';
import type { LapseDatabase } from './schema.js';

const CHECKSUM_BATCH_ROWS = 5000;

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
        async checksum(table, columns) {
          const checksum = new TableChecksum(columns);
          const query = (trx as unknown as Kysely<Record<string, Record<string, unknown>>>)
            .selectFrom(table)
            .select(columns.map((column) => column.name))
            .compile();
          try {
            for await (const result of trx.getExecutor().stream(query, CHECKSUM_BATCH_ROWS)) {
              await checksum.addBatch((result.rows as object[]).map((row) => Object.values(row)));
            }
            return await checksum.total();
          } finally {
            await checksum.close();
          }
        },
      };
      return load(target);
    });
}
