import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../../../test/support/databases.js';
import { EARLIEST_INSTANT, LATEST_INSTANT } from '../../../contract/index.js';
import { openStorage, type Storage } from '../../db/index.js';
import { dayTextSql, decimalTextSql } from './displayed-text.js';

const INSTANTS = [
  EARLIEST_INSTANT,
  EARLIEST_INSTANT + 59 * 86_400_000, // 0000-02-29, a leap day
  Date.parse('0000-03-01T00:00:00Z') - 1,
  Date.parse('1899-12-31T23:59:59.999Z'),
  -1,
  0,
  Date.parse('1970-01-01T23:59:59.999Z'),
  Date.parse('2000-02-29T12:00:00Z'),
  Date.parse('2024-12-31T23:30:00Z'),
  Date.parse('2026-11-26T00:00:00Z'),
  Date.parse('2100-03-01T00:00:00Z'),
  LATEST_INSTANT,
];

describe.each(DATABASE_KINDS)('displayed texts in SQL on %s', (kind) => {
  let database: TestDatabase;
  let storage: Storage;
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    storage = await openStorage(database.location);
  });
  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  it.each(INSTANTS)('writes the UTC day of %d as toISOString does', async (ms) => {
    const { rows } = await sql<{ day: string }>`select ${dayTextSql(sql`cast(${ms} as bigint)`)} as day`.execute(
      storage.db,
    );
    expect(rows[0]?.day).toBe(new Date(ms).toISOString().slice(0, 10));
  });

  it('writes a number in decimal', async () => {
    const { rows } = await sql<{
      text: string;
    }>`select ${decimalTextSql(sql`cast(${-1234} as bigint)`)} as text`.execute(storage.db);
    expect(rows[0]?.text).toBe('-1234');
  });
});
