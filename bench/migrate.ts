// `npm run bench -- migrate`: `lapse migrate` of the seeded SQLite file into an empty PostgreSQL database (the CLI
// process as a user runs it: COPY, the search indexes, the foreign keys, counts and checksums, ANALYZE), next to
// `psql \copy … FROM` of the same rows (the companies and their monthly usage) as CSV, once into a freshly migrated
// lapse database (its keys, foreign keys and search indexes in place) and once into bare tables of the same columns
// (COPY and nothing else). The server's statement log times each phase of the migrate.
// LAPSE_BENCH_COMPANIES sets the size (default 200,000).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStorage } from '../src/server/db/storage.js';
import { benchDatabase, ROOT_DIR } from './fixtures.js';
import { timeCommand } from './measure-process.js';
import { benchCommand, fmt, markdownTable, writeSection } from './report.js';

const COMPANIES = Number(process.env.LAPSE_BENCH_COMPANIES ?? 200_000);

/** The tables that hold rows in proportion to the companies; the others hold a handful. */
const BULK_TABLES = ['companies', 'monthly_usage'] as const;

async function withClient<T>(url: string, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

async function createDatabase(adminUrl: string, name: string): Promise<string> {
  await withClient(adminUrl, (client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function psql(url: string, command: string) {
  return timeCommand('psql', [url, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', command]);
}

/** A table's columns the copy writes (is_over_limit is computed by the database). */
function writtenColumns(url: string, table: string): Promise<string> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ name: string }>(
      `select column_name as name from information_schema.columns where table_name = $1
        and is_generated <> 'ALWAYS' order by ordinal_position`,
      [table],
    );
    return rows.map((row) => row.name).join(', ');
  });
}

async function rowCount(url: string, table: string): Promise<number> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ count: number }>(`select count(*)::integer as count from ${table}`);
    return rows[0]?.count ?? 0;
  });
}

/** The phases of a migrate, by the statements PostgreSQL logged for its database, in milliseconds. */
const PHASES: [name: string, statement: RegExp][] = [
  ['COPY companies (reading SQLite, checksumming and encoding the rows, PostgreSQL storing them)', /^copy "companies"/],
  ['COPY monthly_usage (the same)', /^copy "monthly_usage"/],
  ['COPY of the other tables', /^copy "/],
  ['keys and unique constraints', /^alter table \S+ add constraint \S+ (PRIMARY KEY|UNIQUE)/],
  ['search indexes', /^create index/],
  ['foreign keys', /^alter table \S+ add constraint \S+ FOREIGN KEY/],
  ['counts and checksums of the target', /^select count\(\*\)/],
  ['ANALYZE', /^analyze/],
];

/** Only the migrate's database logs its statements (`log_min_duration_statement` is set on it alone). */
async function phaseTimes(logFile: string) {
  const log = await readFile(logFile, 'utf8');
  const totals = new Map<string, number>(PHASES.map(([name]) => [name, 0]));
  // log_line_prefix is left as the cluster's; a statement line ends its duration with "statement: …".
  for (const match of log.matchAll(/duration: ([\d.]+) ms {2}statement: ([^\n]*)/g)) {
    const [, ms, statement = ''] = match;
    const phase = PHASES.find(([, pattern]) => pattern.test(statement));
    if (phase) totals.set(phase[0], (totals.get(phase[0]) ?? 0) + Number(ms));
  }
  return totals;
}

export async function main(): Promise<void> {
  const bench = await benchDatabase(COMPANIES);
  const { createPostgresCluster, destroyPostgresCluster } = await import('../test/support/postgres-cluster.js');
  const dir = await mkdtemp(join(tmpdir(), 'lapse-bench-migrate-'));
  const cluster = await createPostgresCluster(dir);
  const loadAtStart = loadavg();
  try {
    const migrated = await createDatabase(cluster.adminUrl, 'lapse_migrated');
    await withClient(cluster.adminUrl, (client) =>
      client.query('alter database lapse_migrated set log_min_duration_statement = 0'),
    );
    const lapse = await timeCommand(process.execPath, [
      join(ROOT_DIR, 'bin', 'lapse.js'),
      'migrate',
      '--from',
      bench.file,
      '--to',
      migrated,
    ]);
    const phases = await phaseTimes(join(cluster.rootDir, 'server.log'));
    const copyMs = [...phases].filter(([name]) => name.startsWith('COPY')).reduce((sum, [, ms]) => sum + ms, 0);

    const tables = [];
    for (const table of BULK_TABLES) {
      const csv = join(dir, `${table}.csv`);
      const columns = await writtenColumns(migrated, table);
      await psql(migrated, `\\copy (select ${columns} from ${table}) to '${csv}' csv`);
      tables.push({ table, csv, columns, rows: await rowCount(migrated, table) });
    }
    const rows = tables.reduce((sum, table) => sum + table.rows, 0);

    const schema = await createDatabase(cluster.adminUrl, 'psql_schema');
    await (await openStorage(schema)).close();
    let intoSchema = 0;
    for (const { table, csv, columns } of tables) {
      intoSchema += (await psql(schema, `\\copy ${table} (${columns}) from '${csv}' csv`)).seconds;
    }

    const bare = await createDatabase(cluster.adminUrl, 'psql_bare');
    await (await openStorage(bare)).close();
    let intoBare = 0;
    for (const { table, csv, columns } of tables) {
      await psql(bare, `create table ${table}_plain (like ${table} including generated)`);
      intoBare += (await psql(bare, `\\copy ${table}_plain (${columns}) from '${csv}' csv`)).seconds;
    }

    const share = (seconds: number, baseline: number) => baseline / seconds;
    const verdict = (ratio: number) => `${fmt(ratio * 100, 1)}% ${ratio >= 0.5 ? '✅' : '❌'}`;
    const wholeVersusSchema = share(lapse.seconds, intoSchema);
    const copyVersusBare = share(copyMs / 1000, intoBare);
    const wholeVersusBare = share(lapse.seconds, intoBare);
    const rowsLine = tables.map((table) => `${table.rows.toLocaleString('en-US')} ${table.table}`).join(' and ');
    const body = [
      `${COMPANIES.toLocaleString('en-US')} companies (seed 1) from the seeded SQLite file into a throwaway ${cluster.binDir.split('/').at(-2) ?? ''} PostgreSQL cluster (the settings of test/support/postgres-cluster.ts: fsync off): ${rowsLine} rows, ${rows.toLocaleString('en-US')} in all (the other tables hold a handful). Each run is one process, timed from start to exit; the CSVs are the same rows as \`lapse migrate\` copied them, written by \`psql \\copy … TO\`. 1-minute load average ${fmt(loadAtStart[0] ?? 0, 1)} at the start and ${fmt(loadavg()[0] ?? 0, 1)} at the end, on 2 cores shared with other work.`,
      '',
      markdownTable(
        ['load', 'rows', 'seconds', 'rows/s'],
        [
          [
            '`lapse migrate`, whole (COPY in one transaction, then keys, indexes, foreign keys, counts + checksums of every table, ANALYZE)',
            rows,
            fmt(lapse.seconds),
            fmt(rows / lapse.seconds, 0),
          ],
          [
            '`lapse migrate`, its COPY statements only (no key or index on the tables then)',
            rows,
            fmt(copyMs / 1000),
            fmt(rows / (copyMs / 1000), 0),
          ],
          [
            '`psql \\copy … FROM` CSV into a migrated lapse database (keys, foreign keys and search indexes in place)',
            rows,
            fmt(intoSchema),
            fmt(rows / intoSchema, 0),
          ],
          [
            '`psql \\copy … FROM` CSV into bare tables of the same columns (no key, no index)',
            rows,
            fmt(intoBare),
            fmt(rows / intoBare, 0),
          ],
        ],
      ),
      '',
      'Where `lapse migrate` spends its time, by the statements PostgreSQL logged (a COPY lasts as long as lapse takes to read, checksum and send the rows):',
      '',
      markdownTable(
        ['phase', 'seconds'],
        [...phases].map(([name, ms]) => [name, fmt(ms / 1000)]),
      ),
      '',
      'Targets (≥ 50%, as a share of the psql rate):',
      '',
      `- The whole \`lapse migrate\` against \`psql \\copy\` into the same schema: ${verdict(wholeVersusSchema)}`,
      `- \`lapse migrate\`'s COPY phase against \`psql \\copy\` into bare tables (no index on either side): ${verdict(copyVersusBare)}`,
      `- The whole \`lapse migrate\` against \`psql \\copy\` into bare tables, which builds no index, checks no key and proves nothing: ${verdict(wholeVersusBare)}`,
    ].join('\n');
    process.stdout.write(`${body}\n`);
    await writeSection('migrate', benchCommand('migrate'), body);
  } finally {
    await destroyPostgresCluster(cluster);
    await rm(dir, { recursive: true, force: true });
  }
}
