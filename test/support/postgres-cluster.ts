// A throwaway PostgreSQL cluster for tests: initdb into a fresh temp dir, serve on a free loopback port, and
// remove it all afterwards. Plain data in and out, so the descriptor can cross from the global setup to the
// test workers through vitest's provide/inject.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { appendFile, chmod, chown, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PostgresCluster {
  /** Superuser URL on the `postgres` maintenance database. */
  adminUrl: string;
  /** Holds data/, the unix socket and server.log; removed by destroyPostgresCluster. */
  rootDir: string;
  dataDir: string;
  binDir: string;
  /** The OS user that owns and runs the server: `postgres` when the tests run as root (initdb refuses root). */
  osUser: string | null;
}

/** Newest /usr/lib/postgresql/<version>/bin holding initdb, else whatever PATH finds. */
function findBinDir(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((version) => existsSync(join(base, version, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  const newest = versions[0];
  return newest === undefined ? '' : join(base, newest, 'bin');
}

function binary(cluster: Pick<PostgresCluster, 'binDir'>, name: string): string {
  return cluster.binDir === '' ? name : join(cluster.binDir, name);
}

/** Runs a PostgreSQL tool as the cluster's OS user, from a directory that user can read. */
async function runAsOwner(cluster: Pick<PostgresCluster, 'osUser' | 'rootDir'>, command: string, args: string[]) {
  const [file, fileArgs] =
    cluster.osUser === null ? [command, args] : ['runuser', ['-u', cluster.osUser, '--', command, ...args]];
  try {
    return await run(file, fileArgs, { cwd: cluster.rootDir, timeout: 120_000 });
  } catch (error) {
    const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stderr}${stdout}`, { cause: error });
  }
}

async function findFreePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('could not find a free loopback port');
  return address.port;
}

/**
 * Settings for a disposable server: loopback only, small memory, no fsync. Commits stay synchronous, so what a
 * test wrote survives an immediate stop and restart (only an OS crash could lose it).
 */
function serverSettings(socketDir: string): string {
  return `
listen_addresses = '127.0.0.1'
unix_socket_directories = '${socketDir}'
max_connections = 200
shared_buffers = 32MB
fsync = off
full_page_writes = off
timezone = 'UTC'
`;
}

/**
 * Gives the `postgres` OS user the directories it must write, since initdb will not run as root, and lets it
 * pass through the parent (mkdtemp makes directories 0700): search permission only, nothing becomes readable.
 */
async function handOverToPostgresUser(parentDir: string, dirs: string[]): Promise<void> {
  const { mode } = await stat(parentDir);
  if ((mode & 0o001) === 0) await chmod(parentDir, (mode & 0o7777) | 0o001);
  const [{ stdout: uid }, { stdout: gid }] = await Promise.all([
    run('id', ['-u', 'postgres']),
    run('id', ['-g', 'postgres']),
  ]);
  for (const dir of dirs) await chown(dir, Number(uid.trim()), Number(gid.trim()));
}

/** A free port can be taken by another process before the server binds it; then the next one is tried. */
const START_ATTEMPTS = 3;

async function startOnFreePort(cluster: Omit<PostgresCluster, 'adminUrl'>): Promise<PostgresCluster> {
  let failure: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
    const port = await findFreePort();
    // Appending keeps the file's owner; the last `port` line in postgresql.conf wins.
    await appendFile(join(cluster.dataDir, 'postgresql.conf'), `port = ${port}\n`);
    const started = { ...cluster, adminUrl: `postgres://postgres@127.0.0.1:${port}/postgres` };
    try {
      await startPostgresCluster(started);
      return started;
    } catch (error) {
      failure = error;
    }
  }
  throw failure;
}

/**
 * Where test clusters and database files go: LAPSE_TEST_TMPDIR when set (scripts/test.sh sets it, so it can stop
 * and remove whatever a killed run leaves behind), else the system temp dir.
 */
export function testTempDir(): string {
  return process.env.LAPSE_TEST_TMPDIR || tmpdir();
}

/** initdb + start. */
export async function createPostgresCluster(parentDir: string = testTempDir()): Promise<PostgresCluster> {
  const isRoot = userInfo().uid === 0;
  const rootDir = await mkdtemp(join(parentDir, 'lapse-pg-'));
  const socketDir = join(rootDir, 'socket');
  const cluster = {
    rootDir,
    dataDir: join(rootDir, 'data'),
    binDir: findBinDir(),
    osUser: isRoot ? 'postgres' : null,
  };
  try {
    await mkdir(socketDir);
    if (isRoot) await handOverToPostgresUser(parentDir, [rootDir, socketDir]);
    await runAsOwner(cluster, binary(cluster, 'initdb'), [
      '-D',
      cluster.dataDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
    ]);
    await appendFile(join(cluster.dataDir, 'postgresql.conf'), serverSettings(socketDir));
    return await startOnFreePort(cluster);
  } catch (error) {
    await rm(rootDir, { recursive: true, force: true });
    throw error;
  }
}

export async function startPostgresCluster(cluster: PostgresCluster): Promise<void> {
  // -l sends the server's output to a file, so the postmaster holds none of our pipes open.
  await runAsOwner(cluster, binary(cluster, 'pg_ctl'), [
    '-D',
    cluster.dataDir,
    '-l',
    join(cluster.rootDir, 'server.log'),
    '-w',
    '-t',
    '60',
    'start',
  ]);
}

/** Immediate stop: connections drop at once, as when a database host goes away. */
export async function stopPostgresCluster(cluster: PostgresCluster): Promise<void> {
  await runAsOwner(cluster, binary(cluster, 'pg_ctl'), ['-D', cluster.dataDir, '-m', 'immediate', '-w', 'stop']);
}

export async function destroyPostgresCluster(cluster: PostgresCluster): Promise<void> {
  if (existsSync(join(cluster.dataDir, 'postmaster.pid'))) await stopPostgresCluster(cluster);
  await rm(cluster.rootDir, { recursive: true, force: true });
}

/**
 * Synchronous last resort for a process that is exiting without its teardown: SIGQUIT is PostgreSQL's
 * immediate shutdown. The postmaster's pid is the first line of postmaster.pid.
 */
export function killPostgresClusterSync(cluster: PostgresCluster): void {
  const pidFile = join(cluster.dataDir, 'postmaster.pid');
  if (existsSync(pidFile)) {
    // Negated for a single-user backend (initdb at work); a negative pid would name a process group.
    const pid = Math.abs(Number(readFileSync(pidFile, 'utf8').split('\n')[0]));
    if (Number.isInteger(pid) && pid > 0) {
      try {
        process.kill(pid, 'SIGQUIT');
      } catch {
        // Already gone: nothing left to stop.
      }
    }
  }
  rmSync(cluster.rootDir, { recursive: true, force: true });
}
