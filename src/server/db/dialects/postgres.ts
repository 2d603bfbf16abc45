// The PostgreSQL adapter: several server instances may share one database, so migrations take a lock, rate
// buckets live in a table, and sequences are moved by hand after a bulk load.
import { sql } from 'kysely';
import type { DialectAdapter } from '../dialect.js';
import { connectPostgres } from './postgres-connection.js';
import { postgresCsv } from './postgres-csv.js';
import { createPostgresRateLimitStore } from './postgres-rate-limits.js';

/** pg_advisory_lock key held while migrating ('lapse' in ASCII); any bigint other tools do not use. */
const MIGRATION_LOCK_KEY = 0x6c61707365n;

export const postgresAdapter: DialectAdapter = {
  name: 'postgres',
  connect: (url, options) => ({ adapter: postgresAdapter, ...connectPostgres(url, options) }),
  describeLocation(location) {
    const url = new URL(location);
    url.password = '';
    return url.toString();
  },
  // Only the server can tell, once connected.
  isMissing: () => false,

  byteOrderedText: sql`text collate "C"`,
  nullsFirstIndexColumn: (column) => `${column} asc nulls first`,
  clusteredByPrimaryKey: sql``,
  identityPrimaryKey: (column) => column.primaryKey().generatedByDefaultAsIdentity(),
  storedGeneratedColumn: (expression) => (column) => column.generatedAlwaysAs(expression).stored(),
  async generatedColumnNames(db, table) {
    const query = sql<{ name: string }>`select column_name as name from information_schema.columns
      where table_schema = current_schema() and table_name = ${table} and is_generated = 'ALWAYS'`;
    return new Set((await query.execute(db)).rows.map((row) => row.name));
  },
  async indexNames(db, table) {
    const query = sql<{ name: string }>`select indexname as name from pg_indexes
      where schemaname = current_schema() and tablename = ${table}`;
    return (await query.execute(db)).rows.map((row) => row.name);
  },

  // Several instances may start at once on one empty database. Kysely's own lock is taken only after it has
  // created its bookkeeping tables, and concurrent CREATE TABLE IF NOT EXISTS can still collide in PostgreSQL's
  // catalogue, so the whole run is serialised by a session lock on one connection.
  withMigrationLock: (db, run) =>
    db.connection().execute(async (connection) => {
      await sql`select pg_advisory_lock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(connection);
      try {
        return await run(connection);
      } finally {
        await sql`select pg_advisory_unlock(${sql.lit(MIGRATION_LOCK_KEY)})`.execute(connection);
      }
    }),
  inSnapshot: (db, read) => db.transaction().setIsolationLevel('repeatable read').execute(read),
  // PostgreSQL pages build their JSON in the server.
  json: undefined,
  // Exports have PostgreSQL write the CSV (COPY … TO STDOUT): the server only passes the bytes on.
  csv: postgresCsv,

  // Ids given explicitly leave the identity sequence behind: it must be moved past them for later inserts.
  async resetIdentity(db, table, column) {
    await sql`select setval(pg_get_serial_sequence(${table}, ${column}), coalesce(max(${sql.ref(column)}), 0) + 1, false)
      from ${sql.table(table)}`.execute(db);
  },
  // Statistics for the planner. No VACUUM: a bulk load writes every table by COPY FREEZE (postgres-bulk-load.ts),
  // so its rows are frozen and every page is marked all-visible already (index-only scans skip the heap).
  async settleAfterCopy(db) {
    await sql`analyze`.execute(db);
  },

  createRateLimitStore: createPostgresRateLimitStore,
};
