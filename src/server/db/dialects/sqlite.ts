// The SQLite adapter: one server owns the file (its workers start after its primary has migrated), so locks,
// sequences and shared state need nothing extra.
import { existsSync } from 'node:fs';
import { sql } from 'kysely';
import { createServerRateLimitStore } from '../../rate-limit/index.js';
import type { DialectAdapter } from '../dialect.js';
import { connectSqlite } from './sqlite-connection.js';
import { sqliteJson } from './sqlite-json.js';

export const sqliteAdapter: DialectAdapter = {
  name: 'sqlite',
  connect: (file, options) => ({ adapter: sqliteAdapter, ...connectSqlite(file, options) }),
  describeLocation: (file) => file,
  isMissing: (file) => !existsSync(file),

  byteOrderedText: sql`text`,
  nullsFirstIndexColumn: (column) => column, // SQLite already sorts nulls first ascending.
  clusteredByPrimaryKey: sql`without rowid`,
  identityPrimaryKey: (column) => column.primaryKey().autoIncrement(),
  storedGeneratedColumn: (expression) => (column) => column.generatedAlwaysAs(expression).stored(),
  async generatedColumnNames(db, table) {
    // table_xinfo marks generated columns hidden = 2 (virtual) or 3 (stored).
    const query = sql<{ name: string }>`select name from pragma_table_xinfo(${table}) where hidden in (2, 3)`;
    return new Set((await query.execute(db)).rows.map((row) => row.name));
  },
  async indexNames(db, table) {
    const query = sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = ${table}`;
    return (await query.execute(db)).rows.map((row) => row.name);
  },

  // No lock of its own: one server serves a SQLite file, and with workers its primary migrates before they start.
  withMigrationLock: (db, run) => run(db),
  // In WAL mode a read transaction sees one snapshot throughout (Kysely sends a plain BEGIN; the level names it).
  inSnapshot: (db, read) => db.transaction().setIsolationLevel('serializable').execute(read),
  json: sqliteJson,
  // SQLite exports are written in the server (spreadsheet/csv.ts): better-sqlite3 has no byte stream to read.
  csv: undefined,

  // AUTOINCREMENT follows the largest id by itself.
  resetIdentity: async () => {},
  settleAfterCopy: async () => {},

  // One server serves a SQLite file, so its buckets live in its memory (its primary's, when it runs workers).
  createRateLimitStore: () => createServerRateLimitStore(),
};
