// Process measurements for benchmarks: peak and current RSS (Linux /proc), a timed download, a timed command.
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { cpuTicks } from '../test/support/server-process.js';

export async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

export async function currentRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/** POSTs `body` and reads the whole response; returns status, bytes, seconds and X-Total-Count. */
export async function timedDownload(url: string, body: unknown, token: string) {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  let bytes = 0;
  for await (const chunk of response.body ?? []) bytes += (chunk as Uint8Array).length;
  return {
    status: response.status,
    bytes,
    seconds: (performance.now() - started) / 1000,
    totalCount: Number(response.headers.get('x-total-count')),
  };
}

/** Runs a command, counting and discarding its stdout; seconds and bytes. */
export function timeCommand(command: string, args: string[]): Promise<{ seconds: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let bytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve({ seconds: (performance.now() - started) / 1000, bytes })
        : reject(new Error(`${command} exited ${code}`)),
    );
  });
}

/** `pid` and every process below it (a server's primary and its workers), from /proc. */
async function processTree(pid: number): Promise<Set<number>> {
  const parents = new Map<number, number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the parent's pid is the second field after the last ')'.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parents.set(Number(entry), parent);
    } catch {
      // The process ended while the list was read.
    }
  }
  const tree = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [child, parent] of parents) {
      if (tree.has(parent) && !tree.has(child)) {
        tree.add(child);
        grew = true;
      }
    }
  }
  return tree;
}

/** The RSS of `pid` and of every process below it, by pid. */
export async function rssByProcessMb(pid: number): Promise<Map<number, number>> {
  const rss = new Map<number, number>();
  for (const member of await processTree(pid)) rss.set(member, await currentRssMb(member).catch(() => 0));
  return rss;
}

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux whatever the kernel's own tick). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user and system, every thread) spent so far by `pid` and every process below it. */
async function treeCpuSeconds(pid: number): Promise<number> {
  let ticks = 0;
  for (const member of await processTree(pid)) {
    try {
      ticks += cpuTicks(member);
    } catch {
      // The process ended while the tree was read.
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/** CPU seconds the machine has spent busy so far, over every CPU the kernel counts (/proc/stat: all but idle and iowait). */
async function machineBusySeconds(): Promise<number> {
  const [, ...times] = ((await readFile('/proc/stat', 'utf8')).split('\n')[0] ?? '').trim().split(/\s+/);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = times.map(Number);
  return (user + nice + system + irq + softirq + steal) / TICKS_PER_SECOND;
}

export interface CpuSnapshot {
  at: number;
  server: number;
  loadGenerator: NodeJS.CpuUsage;
  machine: number;
}

/** Where the machine's CPU has gone so far: the server at `pid` (its whole tree), this process, everything. */
export async function cpuSnapshot(pid: number): Promise<CpuSnapshot> {
  return {
    at: performance.now(),
    server: await treeCpuSeconds(pid),
    loadGenerator: process.cpuUsage(),
    machine: await machineBusySeconds(),
  };
}

/** CPU used between two snapshots, in % of one core: the server, this process (the load) and all the rest. */
export function cpuSharesBetween(before: CpuSnapshot, after: CpuSnapshot) {
  const seconds = (after.at - before.at) / 1000;
  const { loadGenerator: was } = before;
  const { loadGenerator: is } = after;
  const loadSeconds = (is.user - was.user + is.system - was.system) / 1e6;
  const server = after.server - before.server;
  const rest = Math.max(0, after.machine - before.machine - server - loadSeconds);
  const percent = (cpuSeconds: number) => (100 * cpuSeconds) / seconds;
  return { server: percent(server), loadGenerator: percent(loadSeconds), rest: percent(rest) };
}

/** RSS by process (rssByProcessMb) summed: pages the processes share count once in each. */
export function totalRssMb(byProcess: Map<number, number>): number {
  let total = 0;
  for (const mb of byProcess.values()) total += mb;
  return total;
}

/** The RSS of `pid` and every process below it, summed. */
export async function treeRssMb(pid: number): Promise<number> {
  return totalRssMb(await rssByProcessMb(pid));
}
