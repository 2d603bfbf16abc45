// Sequential request timing over one keep-alive connection, and a 50-connection load run with autocannon.
import { Agent, request } from 'node:http';
import autocannon from 'autocannon';
import { percentile } from './report.js';

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

export function postOnce(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; bytes: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, bytes: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export interface Latency {
  p50: number;
  p99: number;
  samples: number;
}

/** Runs `once` `warmup` times unmeasured, then `samples` times; milliseconds. */
export async function measureLatency(
  once: () => Promise<unknown> | unknown,
  samples: number,
  warmup = 20,
): Promise<Latency> {
  for (let i = 0; i < warmup; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await once();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99), samples };
}

export interface Throughput {
  requestsPerSecond: number;
  non2xx: number;
  errors: number;
  p50: number;
  p99: number;
}

export async function measureThroughput(
  url: string,
  body: string,
  headers: Record<string, string>,
  seconds: number,
  connections = 50,
): Promise<Throughput> {
  const result = await autocannon({
    url,
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
    connections,
    duration: seconds,
  });
  return {
    requestsPerSecond: result.requests.average,
    non2xx: result.non2xx,
    errors: result.errors,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}
