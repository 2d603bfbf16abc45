// Peak resident memory of a process (Linux VmHWM), and a timed download that discards the bytes.
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
