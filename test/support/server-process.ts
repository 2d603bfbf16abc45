// A lapse API server in a process of its own (`node bin/lapse.js serve`), for what an in-process server cannot
// show: kill -9, SIGTERM, the process's open file descriptors and resident memory. Needs `npm run build`.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { dayOf } from '../../src/contract/index.js';
import { createCredential as createAdminCredential } from '../../src/server/admin/index.js';
import { openStorage } from '../../src/server/db/storage.js';
import { type SeedSummary, seedCompanies } from '../../src/server/seed/index.js';
import type { TestCredential } from './test-server.js';

const CLI = fileURLToPath(new URL('../../bin/lapse.js', import.meta.url));
const BUILT_CLI = fileURLToPath(new URL('../../dist/src/cli/lapse.js', import.meta.url));
const LISTENING = /lapse API listening on (http:\/\/[^\s]+)/;
const START_TIMEOUT_MS = 30_000;

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  pid: number;
  baseUrl: string;
  /** Everything the process wrote so far (stdout and stderr). */
  output(): string;
  /** Settles when the process has exited. */
  exited: Promise<ProcessExit>;
  /** Sends a signal (SIGTERM, SIGKILL) to the server process alone. */
  signal(name: NodeJS.Signals): void;
  /** Test teardown: SIGKILL when still running, then waits for the exit. */
  stop(): Promise<void>;
}

/** `lapse serve --port 0` on `database`; resolves once the server says where it listens. */
function requireBuild(): void {
  if (!existsSync(BUILT_CLI)) throw new Error('bin/lapse.js needs the build: run `npm run build` first');
}

/** `lapse admin …` in a process of its own, as an operator runs it beside a serving process; its stdout. */
export async function runLapseAdmin(args: string[]): Promise<string> {
  requireBuild();
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'admin', ...args], {
    timeout: START_TIMEOUT_MS,
  });
  return stdout;
}

export async function spawnServer(database: string, extraArgs: string[] = []): Promise<ServerProcess> {
  requireBuild();
  const child: ChildProcess = spawn(
    process.execPath,
    // One process unless the test asks for workers (a later --workers wins): pid is then the server's own.
    [
      CLI,
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--database',
      database,
      '--log-level',
      'info',
      '--workers',
      '1',
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = new Promise<ProcessExit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`lapse serve did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = () => {
      const match = LISTENING.exec(output);
      if (!match?.[1]) return;
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      resolve(match[1]);
    };
    child.stderr?.on('data', onData);
    void exited.then((exit) => {
      clearTimeout(timer);
      reject(new Error(`lapse serve exited (${JSON.stringify(exit)}) before listening:\n${output}`));
    });
  });
  const pid = child.pid as number;
  return {
    pid,
    baseUrl,
    output: () => output,
    exited,
    signal: (name) => child.kill(name),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** How many file descriptors the process holds open (Linux /proc). */
export function openDescriptorCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** The process's resident set size in bytes (Linux /proc). */
export function residentBytes(pid: number): number {
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match?.[1]) throw new Error(`no VmRSS for process ${pid}`);
  return Number(match[1]) * 1024;
}

/** CPU time the process has used so far, in clock ticks (user + system, Linux /proc). */
export function cpuTicks(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields of the line.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return Number(fields[11]) + Number(fields[12]);
}

/** Adds a credential to the database, as an operator would, and returns its one-time secret. */
export async function createCredential(
  location: string,
  companyResourceId: string,
  role: string,
): Promise<TestCredential> {
  const storage = await openStorage(location, { maxConnections: 1 });
  try {
    const created = await createAdminCredential(storage.db, { company: companyResourceId, role });
    return { clientId: created.clientId, clientSecret: created.clientSecret, companyResourceId };
  } finally {
    await storage.close();
  }
}

export interface SeededDatabase {
  seed: SeedSummary;
  /** A Root credential: it sees (and exports) every company. */
  root: TestCredential;
}

/** Seeds `companies` companies into an empty database and adds a Root credential. */
export async function seedWithRoot(location: string, companies: number): Promise<SeededDatabase> {
  const seed = await seedCompanies(location, { companies, seed: 11, today: dayOf(Date.now()) });
  return { seed, root: await createCredential(location, seed.rootResourceId, 'Root') };
}
