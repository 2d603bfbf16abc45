import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../../test/support/databases.js';
import { connectDialect, type DialectAdapter, type DialectConnection, dialectFor } from './dialect.js';
import { migrateToLatest } from './migrate.js';
import type { LapseDatabase } from './schema.js';

describe('SQLite reader connections', () => {
  let dir: string;
  let connection: DialectConnection;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lapse-dialect-'));
    connection = connectDialect(join(dir, 'lapse.db'), { maxConnections: 1 });
    await sql`create table t (n integer)`.execute(connection.db);
    await sql`insert into t values (1), (2), (3)`.execute(connection.db);
  });

  afterEach(async () => {
    await connection.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives a reader a small page cache of its own, not the library default', async () => {
    const reader = await connection.openReader();
    const { rows } = await sql<{ cache_size: number }>`pragma cache_size`.execute(reader.db);
    expect(rows[0]?.cache_size).toBe(-512);
    await reader.release();
  });

  it('reuses a reader for the next long read once its read has ended', async () => {
    const first = await connection.openReader();
    const overlapping = await connection.openReader();
    expect(overlapping.db).not.toBe(first.db);
    await first.release();
    await overlapping.release();
    const next = await connection.openReader();
    expect([first.db, overlapping.db]).toContain(next.db);
    await next.release();
  });

  it('closes a reader still inside a transaction instead of reusing it, and sees later writes on reuse', async () => {
    const reader = await connection.openReader();
    const rows = await reader.db.transaction().execute(async (trx) => {
      const batches: unknown[][] = [];
      const query = sql`select n from t order by n`.compile(trx);
      for await (const batch of reader.streamBatches(trx, query, 2)) batches.push(...batch);
      return batches;
    });
    expect(rows).toEqual([[1], [2], [3]]);
    await reader.release();
    await sql`insert into t values (4)`.execute(connection.db);
    const again = await connection.openReader();
    expect(again.db).toBe(reader.db);
    const { rows: counted } = await sql<{ n: number }>`select count(*) as n from t`.execute(again.db);
    expect(counted[0]?.n).toBe(4);
    await again.release();

    const stuck = await connection.openReader();
    await sql`begin`.execute(stuck.db);
    await stuck.release();
    const fresh = await connection.openReader();
    expect(fresh.db).not.toBe(stuck.db);
    await fresh.release();
  });
});

describe('dialectFor', () => {
  it('chooses by the location and describes it without a password', () => {
    expect(
      dialectFor('postgres://lapse:secret@db.example:5432/lapse').describeLocation(
        'postgres://lapse:secret@db.example:5432/lapse',
      ),
    ).toBe('postgres://lapse@db.example:5432/lapse');
    expect(dialectFor('POSTGRESQL://db.example/lapse').name).toBe('postgres');
    expect(dialectFor('/var/lib/lapse.db').name).toBe('sqlite');
    expect(dialectFor('/var/lib/lapse.db').describeLocation('/var/lib/lapse.db')).toBe('/var/lib/lapse.db');
  });

  it('knows a SQLite file is missing; a server is asked only once connected', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lapse-dialect-'));
    try {
      expect(dialectFor(join(dir, 'none.db')).isMissing(join(dir, 'none.db'))).toBe(true);
      expect(dialectFor(dir).isMissing(dir)).toBe(false);
      expect(dialectFor('postgres://db.example/none').isMissing('postgres://db.example/none')).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.each(DATABASE_KINDS)('the %s adapter', (kind) => {
  let database: TestDatabase;
  let connection: DialectConnection;
  let adapter: DialectAdapter;
  let db: Kysely<unknown>;

  beforeEach(async () => {
    database = await createTestDatabase(kind);
    connection = connectDialect(database.location, { maxConnections: 3 });
    adapter = connection.adapter;
    db = connection.db as Kysely<unknown>;
  });

  afterEach(async () => {
    await connection?.close();
    await database?.drop();
  });

  const count = async (table: 'industries' | 'license_types', on: Kysely<LapseDatabase> = connection.db) =>
    Number((await on.selectFrom(table).select(on.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('is the adapter its location names', () => {
    expect(adapter.name).toBe(kind);
  });

  it('numbers identity ids after the ones given explicitly once reset', async () => {
    await db.schema
      .createTable('numbered')
      .addColumn('id', 'integer', adapter.identityPrimaryKey)
      .addColumn('label', 'text')
      .execute();
    const numbered = db as Kysely<{ numbered: { id?: number; label: string } }>;
    await numbered
      .insertInto('numbered')
      .values([1, 2, 7].map((id) => ({ id, label: `given ${id}` })))
      .execute();
    await adapter.resetIdentity(db, 'numbered', 'id');
    const row = await numbered.insertInto('numbered').values({ label: 'next' }).returning('id').executeTakeFirst();
    expect(row?.id).toBe(8);
  });

  it('computes and stores a generated column, and lists it as generated', async () => {
    await db.schema
      .createTable('sums')
      .addColumn('a', 'integer', (c) => c.notNull())
      .addColumn('b', 'integer', (c) => c.notNull())
      .addColumn('total', 'integer', (c) => adapter.storedGeneratedColumn(sql`a + b`)(c.notNull()))
      .execute();
    const sums = db as Kysely<{ sums: { a: number; b: number; total: number } }>;
    await sums
      .insertInto('sums')
      .values({ a: 2, b: 3 } as never)
      .execute();
    await sums.updateTable('sums').set({ a: 10 }).execute();
    expect(await sums.selectFrom('sums').select('total').execute()).toEqual([{ total: 13 }]);
    expect(await adapter.generatedColumnNames(db, 'sums')).toEqual(new Set(['total']));
  });

  it('orders text byte-wise and indexes a column with nulls first', async () => {
    await db.schema.createTable('words').addColumn('word', adapter.byteOrderedText).execute();
    const words = db as Kysely<{ words: { word: string | null } }>;
    await words
      .insertInto('words')
      .values(['é', 'b', 'Z', null, 'a', 'B'].map((word) => ({ word })))
      .execute();
    await sql`create index words_word on words (${sql.raw(adapter.nullsFirstIndexColumn('word'))})`.execute(db);
    const ordered = await sql<{ word: string | null }>`select word from words order by word asc nulls first`.execute(
      db,
    );
    expect(ordered.rows.map((row) => row.word)).toEqual([null, 'B', 'Z', 'a', 'b', 'é']);
    expect(await adapter.indexNames(db, 'words')).toEqual(['words_word']);
  });

  it('writes more rows than one statement binds, inside a transaction or on their own', async () => {
    await migrateToLatest(db, adapter);
    // Two columns a row: over PostgreSQL's 65,535 parameters a statement, so the writer has to split.
    const rows = Array.from({ length: 40_000 }, (_, index) => ({
      resource_id: `ind${index}`,
      name: `Industry ${index}`,
    }));
    await connection.writeRows(connection.db, 'industries', rows);
    expect(await count('industries')).toBe(40_000);
    const written = await connection.db
      .selectFrom('industries')
      .selectAll()
      .where('resource_id', '=', 'ind39999')
      .execute();
    expect(written).toEqual([{ resource_id: 'ind39999', name: 'Industry 39999' }]);

    const rollback = new Error('rolled back');
    await expect(
      connection.db.transaction().execute(async (trx) => {
        await connection.writeRows(trx, 'license_types', [{ resource_id: 'lic1', name: 'Enterprise' }]);
        expect(await count('license_types', trx)).toBe(1);
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(await count('license_types')).toBe(0);
    await connection.writeRows(connection.db, 'license_types', []);
  });

  it('reads one snapshot while another connection writes', async () => {
    await migrateToLatest(db, adapter);
    await connection.db.insertInto('industries').values({ resource_id: 'ind1', name: 'One' }).execute();
    const reader = await connection.openReader();
    try {
      const counts = await adapter.inSnapshot(reader.db, async (trx) => {
        const before = await count('industries', trx);
        await connection.db.insertInto('industries').values({ resource_id: 'ind2', name: 'Two' }).execute();
        return [before, await count('industries', trx)];
      });
      expect(counts).toEqual([1, 1]);
    } finally {
      await reader.release();
    }
    expect(await count('industries')).toBe(2);
  });

  it('runs the migrations under its lock and hands back their result', async () => {
    expect(
      await adapter.withMigrationLock(db, async (locked) => (await sql`select 1 as one`.execute(locked)).rows),
    ).toEqual([{ one: 1 }]);
  });

  it.runIf(kind === 'postgres')('lets one migration run at a time', async () => {
    const events: string[] = [];
    const run = (name: string) =>
      adapter.withMigrationLock(db, async () => {
        events.push(`${name} start`);
        await new Promise((resolve) => setTimeout(resolve, 50));
        events.push(`${name} end`);
      });
    await Promise.all([run('a'), run('b')]);
    // Either may take the lock first; the other starts only once the first has ended.
    const [first] = (events[0] ?? '').split(' ');
    const second = first === 'a' ? 'b' : 'a';
    expect(events).toEqual([`${first} start`, `${first} end`, `${second} start`, `${second} end`]);
  });

  it('keeps rate-limit buckets where every instance on the database sees them', async () => {
    await migrateToLatest(db, adapter);
    const first = adapter.createRateLimitStore(connection.db);
    const second = adapter.createRateLimitStore(connection.db);
    const now = Date.UTC(2026, 2, 15);
    expect((await first.take('client:a', 2, now)).isAllowed).toBe(true);
    expect((await first.take('client:a', 2, now)).isAllowed).toBe(true);
    expect(await first.take('client:a', 2, now)).toEqual({ isAllowed: false, retryAfterSeconds: 30, wasFull: false });
    // PostgreSQL: instances share the table; SQLite: one process serves the file, its buckets stay in memory.
    const isShared = kind === 'postgres';
    expect((await second.peek('client:a', 2, now)).isAllowed).toBe(!isShared);
    const stored = await connection.db.selectFrom('rate_limit_buckets').select('bucket_key').execute();
    expect(stored).toEqual(isShared ? [{ bucket_key: 'client:a' }] : []);
  });
});

describe('a SQLite bulk-load connection', () => {
  it('leaves WAL while it loads and goes back to it when it closes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lapse-dialect-'));
    const file = join(dir, 'lapse.db');
    const journalMode = async (connection: DialectConnection) =>
      (await sql<{ journal_mode: string }>`pragma journal_mode`.execute(connection.db)).rows[0]?.journal_mode;
    try {
      const loading = connectDialect(file, { maxConnections: 1, isBulkLoad: true });
      expect(await journalMode(loading)).toBe('delete');
      await loading.close();
      const serving = connectDialect(file, { maxConnections: 1 });
      expect(await journalMode(serving)).toBe('wal');
      await serving.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
