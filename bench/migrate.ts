// `npm run bench -- migrate`: `lapse migrate` of the seeded SQLite file into an empty PostgreSQL database (the CLI
// process as a user runs it: COPY, the search indexes, the foreign keys, counts and checksums, VACUUM), next to
// `psql \copy … FROM` of the same companies as CSV, once into a freshly migrated lapse database (its keys, foreign
// key and search indexes in place) and once into a bare table of the same columns (COPY and nothing else).
// LAPSE_BENCH_COMPANIES sets the size (default 200,000).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStorage } from '../src/server/db/storage.js';
import { benchDatabase, ROOT_DIR } from './fixtures.js';
import { timeCommand } from './measure-process.js';
import { fmt, markdownTable, writeSection } from './report.js';

const COMPANIES = Number(process.env.LAPSE_BENCH_COMPANIES ?? 200_000);

async function createDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function psql(url: string, command: string) {
  return timeCommand('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', command]);
}

/** The companies' columns the copy writes (is_over_limit is computed by the database). */
async function writtenColumns(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `select column_name as name from information_schema.columns where table_name = 'companies'
        and is_generated <> 'ALWAYS' order by ordinal_position`,
    );
    return rows.map((row) => row.name).join(', ');
  } finally {
    await client.end();
  }
}

export async function main(): Promise<void> {
  const bench = await benchDatabase(COMPANIES);
  const { createPostgresCluster, destroyPostgresCluster } = await import('../test/support/postgres-cluster.js');
  const dir = await mkdtemp(join(tmpdir(), 'lapse-bench-migrate-'));
  const cluster = await createPostgresCluster(dir);
  try {
    const migrated = await createDatabase(cluster.adminUrl, 'lapse_migrated');
    const lapse = await timeCommand(process.execPath, [
      join(ROOT_DIR, 'bin', 'lapse.js'),
      'migrate',
      '--from',
      bench.file,
      '--to',
      migrated,
    ]);

    const csv = join(dir, 'companies.csv');
    const columns = await writtenColumns(migrated);
    await psql(migrated, `\\copy (select ${columns} from companies order by depth, id) to '${csv}' csv`);

    const schema = await createDatabase(cluster.adminUrl, 'psql_schema');
    await (await openStorage(schema)).close();
    const intoSchema = await psql(schema, `\\copy companies (${columns}) from '${csv}' csv`);

    const bare = await createDatabase(cluster.adminUrl, 'psql_bare');
    await (await openStorage(bare)).close();
    await psql(bare, 'create table companies_plain (like companies including generated)');
    const intoBare = await psql(bare, `\\copy companies_plain (${columns}) from '${csv}' csv`);

    const rate = (seconds: number) => COMPANIES / seconds;
    const lapseRate = rate(lapse.seconds);
    const versusSchema = lapseRate / rate(intoSchema.seconds);
    const versusBare = lapseRate / rate(intoBare.seconds);
    const body = [
      `${COMPANIES.toLocaleString('en-US')} companies (seed 1) from the seeded SQLite file into a throwaway ${cluster.binDir.split('/').at(-2) ?? ''} PostgreSQL cluster (the settings of test/support/postgres-cluster.ts: fsync off). Each run is one process, timed from start to exit; the CSV is the same companies as \`lapse migrate\` copied them, written by \`psql \\copy … TO\`.`,
      '',
      markdownTable(
        ['load', 'rows', 'seconds', 'rows/s', 'lapse migrate as a share'],
        [
          [
            '`lapse migrate` (COPY in one transaction, then keys, indexes, foreign keys, counts + checksums of every table, ANALYZE)',
            COMPANIES,
            fmt(lapse.seconds),
            fmt(lapseRate, 0),
            '',
          ],
          [
            '`psql \\copy companies FROM` CSV into a migrated lapse database (keys, foreign key and search indexes in place)',
            COMPANIES,
            fmt(intoSchema.seconds),
            fmt(rate(intoSchema.seconds), 0),
            `${fmt(versusSchema * 100, 1)}%`,
          ],
          [
            '`psql \\copy` CSV into a bare table of the same columns (no key, no index)',
            COMPANIES,
            fmt(intoBare.seconds),
            fmt(rate(intoBare.seconds), 0),
            `${fmt(versusBare * 100, 1)}%`,
          ],
        ],
      ),
      '',
      `Against \`psql \\copy\` into the same schema: ${fmt(versusSchema * 100, 1)}% (target ≥ 50%) ${versusSchema >= 0.5 ? '✅' : '❌'}. Against COPY into a bare table, which builds no index, checks no key and proves nothing: ${fmt(versusBare * 100, 1)}% ${versusBare >= 0.5 ? '✅' : '❌'}.`,
    ].join('\n');
    process.stdout.write(`${body}\n`);
    await writeSection('migrate', 'npm run bench -- migrate', body);
  } finally {
    await destroyPostgresCluster(cluster);
    await rm(dir, { recursive: true, force: true });
  }
}
