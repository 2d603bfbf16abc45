// Process measurements for benchmarks: peak and current RSS (Linux /proc), a timed download, a timed command.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';

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
