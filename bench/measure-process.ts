// Process measurements for benchmarks: peak and current RSS (Linux /proc), a timed download, a timed command.
import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

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

/** The RSS of `pid` and of every process below it (a server's primary and its workers), by pid, from /proc. */
export async function rssByProcessMb(pid: number): Promise<Map<number, number>> {
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
  const rss = new Map<number, number>();
  for (const member of tree) rss.set(member, await currentRssMb(member).catch(() => 0));
  return rss;
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
