// A fresh, empty database of either kind per test (or per suite), so server tests run on both:
//   describe.each(DATABASE_KINDS)('search on %s', (kind) => { ... createTestDatabase(kind) ... })
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Insertable, Kysely } from 'kysely';
import pg from 'pg';
import { inject } from 'vitest';
import { foldTags, foldText } from '../../src/server/db/fold-text.js';
import type { CompaniesTable, LapseDatabase } from '../../src/server/db/schema.js';
import { childPath } from '../../src/server/db/tree-path.js';
import { startPostgresCluster, stopPostgresCluster, testTempDir } from './postgres-cluster.js';

export const DATABASE_KINDS = ['sqlite', 'postgres'] as const;
export type DatabaseKind = (typeof DATABASE_KINDS)[number];

export interface TestDatabase {
  /** A SQLite file path or a postgres:// URL: what openStorage and `lapse serve --database` take. */
  location: string;
  /** Removes the database (on PostgreSQL, ending any connection still open to it). */
  drop(): Promise<void>;
}

async function withAdminClient<T>(use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('postgresAdminUrl') });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  const name = `lapse_t_${randomBytes(6).toString('hex')}`;
  await withAdminClient((client) => client.query(`create database ${name}`));
  const url = new URL(inject('postgresAdminUrl'));
  url.pathname = `/${name}`;
  return {
    location: url.toString(),
    drop: async () => {
      await withAdminClient((client) => client.query(`drop database if exists ${name} with (force)`));
    },
  };
}

async function createSqliteDatabase(): Promise<TestDatabase> {
  const dir = await mkdtemp(join(testTempDir(), 'lapse-sqlite-'));
  return { location: join(dir, 'lapse.db'), drop: () => rm(dir, { recursive: true, force: true }) };
}

export function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  return kind === 'postgres' ? createPostgresDatabase() : createSqliteDatabase();
}

function sharedCluster() {
  const cluster = inject('postgresCluster');
  if (cluster === null) throw new Error('LAPSE_TEST_DATABASE_URL names an external server: it cannot be stopped');
  return cluster;
}

/**
 * Stops the run's shared PostgreSQL server (immediate shutdown) until startTestPostgres. Every test file running
 * at the same time loses its database too: a file that needs an outage should own a cluster instead
 * (createPostgresCluster / stopPostgresCluster / startPostgresCluster / destroyPostgresCluster).
 */
export function stopTestPostgres(): Promise<void> {
  return stopPostgresCluster(sharedCluster());
}

export function startTestPostgres(): Promise<void> {
  return startPostgresCluster(sharedCluster());
}

export {
  createPostgresCluster,
  destroyPostgresCluster,
  type PostgresCluster,
  startPostgresCluster,
  stopPostgresCluster,
} from './postgres-cluster.js';

/** A company as tests describe it: the tree position and whatever fields the test is about. */
export interface CompanySpec extends Partial<Omit<Insertable<CompaniesTable>, 'tags'>> {
  resourceId: string;
  /** Resource id of a company inserted earlier in the same call (or before); none for the root. */
  parentResourceId?: string;
  tags?: string[];
}

/**
 * Inserts companies in order (parents first), filling path, depth, parent and reseller name, the folded
 * columns and neutral defaults, the way the server's writers keep them. Returns the generated ids by resource id.
 */
export async function insertCompanies(db: Kysely<LapseDatabase>, specs: CompanySpec[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const { resourceId, parentResourceId, tags = [], ...fields } of specs) {
    const parent =
      parentResourceId === undefined
        ? undefined
        : await db
            .selectFrom('companies')
            .select(['id', 'path', 'depth', 'name'])
            .where('resource_id', '=', parentResourceId)
            .executeTakeFirstOrThrow();
    const name = fields.name ?? `Company ${resourceId}`;
    const row: Insertable<CompaniesTable> = {
      resource_id: resourceId,
      name,
      name_folded: foldText(name),
      parent_id: parent?.id ?? null,
      path: childPath(parent?.path ?? null, resourceId),
      depth: parent === undefined ? 0 : parent.depth + 1,
      reseller_name: parent?.name ?? null,
      reseller_name_folded: parent === undefined ? null : foldText(parent.name),
      is_number_of_users_limited: 1,
      number_of_users: 100,
      created_at: Date.UTC(2024, 0, 1),
      target_user_count: 10,
      inactive_target_user_count: 0,
      deleted_target_user_count: 0,
      monthly_active_user_count: 5,
      tags: JSON.stringify(tags),
      tags_folded: foldTags(tags),
      privacy_duration_id: 1,
      ...fields,
    };
    const { id } = await db.insertInto('companies').values(row).returning('id').executeTakeFirstOrThrow();
    ids.set(resourceId, id);
  }
  return ids;
}
