// Shared benchmark fixtures: a seeded database kept between runs (seeding 1,000,000 companies takes a while),
// credentials for it, and a `lapse serve` child process, so the server never shares an event loop with the
// load generator.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { dayOf } from '../src/contract/index.js';
import { createCredential } from '../src/server/admin/index.js';
import { MIGRATION_NAMES } from '../src/server/db/migrate.js';
import { openStorage } from '../src/server/db/storage.js';
import { type SeedSummary, seedCompanies } from '../src/server/seed/index.js';

export const ROOT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE_DIR = process.env.LAPSE_BENCH_DIR ?? join(tmpdir(), 'lapse-bench');

export interface BenchCredential {
  clientId: string;
  clientSecret: string;
  companyResourceId: string;
}

export interface BenchDatabase {
  file: string;
  today: string;
  seed: SeedSummary;
  root: BenchCredential;
  /** A reseller with about 1,000 companies below it. */
  reseller: BenchCredential;
}

export async function addCredential(file: string, companyResourceId: string, role: string): Promise<BenchCredential> {
  const storage = await openStorage(file);
  try {
    const created = await createCredential(storage.db, { company: companyResourceId, role, description: 'benchmark' });
    return { clientId: created.clientId, clientSecret: created.clientSecret, companyResourceId };
  } finally {
    await storage.close();
  }
}

/** A seeded SQLite database of `companies` (seed 1, today's UTC day), reused while today is the same day. */
export async function benchDatabase(companies: number): Promise<BenchDatabase> {
  await mkdir(CACHE_DIR, { recursive: true });
  const today = dayOf(Date.now());
  // Named for the schema too: a file seeded before a migration lacks what that migration's tables hold.
  const file = join(CACHE_DIR, `companies-${companies}-${today}-m${MIGRATION_NAMES.length}.db`);
  const meta = `${file}.json`;
  if (existsSync(file) && existsSync(meta)) return JSON.parse(await readFile(meta, 'utf8')) as BenchDatabase;
  process.stderr.write(`seeding ${companies} companies into ${file}…\n`);
  const started = performance.now();
  const seed = await seedCompanies(file, { companies, seed: 1, today, reset: true });
  process.stderr.write(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  const reseller = [...seed.resellers].sort(
    (a, b) => Math.abs(a.descendantCount - 1000) - Math.abs(b.descendantCount - 1000),
  )[0];
  if (!reseller) throw new Error('no reseller in the seeded tree');
  const database: BenchDatabase = {
    file,
    today,
    seed,
    root: await addCredential(file, seed.rootResourceId, 'Root'),
    reseller: await addCredential(file, reseller.resourceId, 'Reseller'),
  };
  await writeFile(meta, JSON.stringify(database));
  return database;
}

export interface ServerProcess {
  baseUrl: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts a node process; resolves with the first loopback URL it prints on stderr (`lapse serve` prints one). */
export async function startProcess(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: ROOT_DIR,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const match = /(http:\/\/127\.0\.0\.1:\d+)/.exec(buffered);
      if (match?.[1]) {
        child.stderr?.off('data', onData);
        child.stderr?.pipe(process.stderr);
        resolve(match[1]);
      }
    };
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`process exited with ${code} before listening`)));
  });
  return {
    baseUrl,
    pid: child.pid ?? 0,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * `lapse serve` flags that keep the export and failed-token limits from binding for `connections` connections of
 * one client from one address: the per-client export limit and the failed-token budget at the connection count,
 * and the server's export total that many for each of its `workers` (the total is split between them, and the
 * cluster does not split one client's connections evenly).
 */
export function limitsAbove(connections: number, workers: number): string[] {
  const each = String(connections);
  return ['--exports-per-client', each, '--exports-total', String(connections * workers), '--failed-token-limit', each];
}

/**
 * `lapse serve` on a free port over `database`, logging off (the log would be measured too), resolved once every
 * worker listens unless `isFirstWorkerEnough` (start-up is timed to the first); `entry` is the installed command
 * unless given.
 */
export async function startLapseServer(
  database: string,
  extraArgs: string[] = [],
  { entry = join(ROOT_DIR, 'bin', 'lapse.js'), isFirstWorkerEnough = false } = {},
): Promise<ServerProcess> {
  const server = await startProcess(
    [entry, 'serve', '--port', '0', '--database', database, '--rate-limit', '100000000', ...extraArgs],
    { LAPSE_LOG_LEVEL: 'warn' },
  );
  if (!isFirstWorkerEnough) await everyWorkerListening(server.baseUrl);
  return server;
}

/**
 * Waits until /readyz counts every worker: the URL is printed when the first listens and the others start after
 * it, and a keep-alive connection opened before they listen is served by the first until its next response moves
 * it (rebalancing.ts); a run measures the server once it has settled.
 */
async function everyWorkerListening(baseUrl: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await fetch(`${baseUrl}/readyz`).catch(() => undefined);
    const body = (await response?.json().catch(() => undefined)) as { workers?: { ready: number; wanted: number } };
    if (body?.workers && body.workers.ready >= body.workers.wanted) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`not every worker of ${baseUrl} was listening after ${timeoutMs} ms`);
}

export async function fetchToken(baseUrl: string, credential: BenchCredential): Promise<string> {
  const response = await fetch(`${baseUrl}/connect/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credential.clientId,
      client_secret: credential.clientSecret,
    }),
  });
  const body = (await response.json()) as { access_token: string };
  return body.access_token;
}

/**
 * Runs `use` with a throwaway PostgreSQL cluster holding a copy of `bench`'s database (what `lapse migrate`
 * does); the cluster is removed afterwards. Returns `use`'s result and the copy's duration.
 */
export async function withPostgresCopy<T>(
  bench: BenchDatabase,
  use: (url: string, clusterName: string) => Promise<T>,
): Promise<{ result: T; copySeconds: number }> {
  const { createPostgresCluster, destroyPostgresCluster } = await import('../test/support/postgres-cluster.js');
  const { copyDatabase } = await import('../src/server/db/copy-database.js');
  const dir = await mkdtemp(join(tmpdir(), 'lapse-bench-pg-'));
  const cluster = await createPostgresCluster(dir);
  try {
    const started = performance.now();
    await copyDatabase(bench.file, cluster.adminUrl);
    const copySeconds = (performance.now() - started) / 1000;
    return { result: await use(cluster.adminUrl, `PostgreSQL ${cluster.binDir.split('/').at(-2) ?? ''}`), copySeconds };
  } finally {
    await destroyPostgresCluster(cluster);
    await rm(dir, { recursive: true, force: true });
  }
}
