import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectDialect, type DialectConnection } from './dialect.js';

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
