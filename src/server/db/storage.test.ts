import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPostgresCluster,
  createTestDatabase,
  DATABASE_KINDS,
  destroyPostgresCluster,
  insertCompanies,
  type PostgresCluster,
  startPostgresCluster,
  stopPostgresCluster,
  type TestDatabase,
} from '../../../test/support/databases.js';
import { MIGRATION_NAMES } from './migrate.js';
import { openStorage, type Storage } from './storage.js';

const DAY = 86_400_000;
const TREE = [
  { resourceId: 'root00000000' },
  { resourceId: 'resellerA000', parentResourceId: 'root00000000', license_end_at: null },
  { resourceId: 'customerA100', parentResourceId: 'resellerA000', license_end_at: Date.UTC(2026, 0, 1) },
  { resourceId: 'customerA200', parentResourceId: 'resellerA000', license_end_at: null },
  { resourceId: 'customerA110', parentResourceId: 'customerA100', license_end_at: Date.UTC(2025, 0, 1) },
  { resourceId: 'resellerA0000', parentResourceId: 'root00000000', license_end_at: Date.UTC(2027, 0, 1) },
  { resourceId: 'resellerB000', parentResourceId: 'root00000000', license_end_at: Date.UTC(2026, 0, 1) + DAY },
];

describe.each(DATABASE_KINDS)('storage on %s', (kind) => {
  let database: TestDatabase;
  let storage: Storage;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    storage = await openStorage(database.location);
    await insertCompanies(storage.db, TREE);
  });

  afterAll(async () => {
    await storage?.close();
    await database?.drop();
  });

  it('applies the migrations once, however often it is opened', async () => {
    const again = await openStorage(database.location);
    await again.close();
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(storage.db);
    expect(applied.rows.map((row) => row.name)).toEqual(MIGRATION_NAMES);
    expect(await storage.db.selectFrom('companies').select(sql<number>`count(*)`.as('n')).executeTakeFirst()).toEqual({
      n: TREE.length,
    });
  });

  it('returns epoch-millisecond times and counts as numbers', async () => {
    const row = await storage.db
      .selectFrom('companies')
      .select(['created_at', 'license_end_at', (eb) => eb.fn.countAll<number>().over().as('total')])
      .where('resource_id', '=', 'customerA100')
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ created_at: Date.UTC(2024, 0, 1), license_end_at: Date.UTC(2026, 0, 1), total: 1 });
  });

  it('keeps fractional rate-limit tokens', async () => {
    await storage.db
      .insertInto('rate_limit_buckets')
      .values({ bucket_key: 'k', tokens: 1.25, updated_at: 1 })
      .execute();
    const bucket = await storage.db.selectFrom('rate_limit_buckets').selectAll().executeTakeFirstOrThrow();
    expect(bucket).toEqual({ bucket_key: 'k', tokens: 1.25, updated_at: 1 });
  });

  it('reads the same rows on the main connection and in a long snapshot', async () => {
    const read = (db: Storage['db']) =>
      db.selectFrom('companies').select('resource_id').orderBy('resource_id').execute();
    const short = await read(storage.db);
    const long = await storage.longReadSnapshot(read);
    expect(short.map((row) => row.resource_id)).toEqual(TREE.map((company) => company.resourceId).sort());
    expect(long).toEqual(short);
  });

  // contract §4: nulls sort first ascending and last descending.
  it('puts open-ended licences first ascending and last descending', async () => {
    const order = (direction: 'asc' | 'desc') =>
      storage.db
        .selectFrom('companies')
        .select('resource_id')
        .where('depth', '>', 0)
        .orderBy('license_end_at', (ob) => (direction === 'asc' ? ob.asc().nullsFirst() : ob.desc().nullsLast()))
        .orderBy('resource_id', direction)
        .execute();
    const ascending = (await order('asc')).map((row) => row.resource_id);
    expect(ascending).toEqual([
      'customerA200',
      'resellerA000',
      'customerA110',
      'customerA100',
      'resellerB000',
      'resellerA0000',
    ]);
    expect((await order('desc')).map((row) => row.resource_id)).toEqual([...ascending].reverse());
  });

  it('streams rows inside a long snapshot', async () => {
    const streamed = await storage.longReadSnapshot(async (db) => {
      const ids: string[] = [];
      for await (const row of db.selectFrom('companies').select('resource_id').orderBy('id').stream(2)) {
        ids.push(row.resource_id);
      }
      return ids;
    });
    expect(streamed).toEqual(TREE.map((company) => company.resourceId));
  });

  it('finds exactly the descendants of a company by path range', async () => {
    // resellerA0000 shares resellerA000's prefix but is its sibling, not a descendant.
    const subtree = await storage.db
      .selectFrom('companies')
      .select('resource_id')
      .where('path', '>', '/root00000000/resellerA000/')
      .where('path', '<', '/root00000000/resellerA0000')
      .orderBy('path')
      .execute();
    expect(subtree.map((row) => row.resource_id)).toEqual(['customerA100', 'customerA110', 'customerA200']);
  });

  it('orders text byte-wise', async () => {
    await storage.db
      .insertInto('industries')
      .values([
        { resource_id: 'b', name: 'b' },
        { resource_id: 'B', name: 'B' },
        { resource_id: '_', name: '_' },
        { resource_id: 'a', name: 'a' },
      ])
      .execute();
    const rows = await storage.db.selectFrom('industries').select('resource_id').orderBy('resource_id').execute();
    expect(rows.map((row) => row.resource_id)).toEqual(['B', '_', 'a', 'b']);
  });
});

describe('storage on postgres, several instances', () => {
  it('start at once on one empty database', async () => {
    const database = await createTestDatabase('postgres');
    try {
      const instances = await Promise.all(
        [1, 2, 3, 4].map(() => openStorage(database.location, { maxConnections: 2 })),
      );
      for (const instance of instances) {
        const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(
          instance.db,
        );
        expect(applied.rows.map((row) => row.name)).toEqual(MIGRATION_NAMES);
      }
      await Promise.all(instances.map((instance) => instance.close()));
    } finally {
      await database.drop();
    }
  });
});

describe('storage on postgres, through an outage', () => {
  let cluster: PostgresCluster;

  beforeAll(async () => {
    cluster = await createPostgresCluster();
  });

  afterAll(async () => {
    if (cluster) await destroyPostgresCluster(cluster);
  });

  it('fails to ping while the server is down and recovers when it is back', async () => {
    const storage = await openStorage(cluster.adminUrl, { maxConnections: 2 });
    try {
      await storage.ping();
      await stopPostgresCluster(cluster);
      await expect(storage.ping()).rejects.toThrow();
      await startPostgresCluster(cluster);
      await storage.ping();
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(storage.db);
      expect(applied.rows.map((row) => row.name)).toEqual(MIGRATION_NAMES);
    } finally {
      await storage.close();
    }
  });
});
