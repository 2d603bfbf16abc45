// A loopback port nothing listens on, and nothing in the suite will start listening on while a test uses it.
// A port from listen(0) that is closed again is free only for a moment: the many servers the suite starts in
// parallel draw their ports from the same ephemeral range, and one may take it. A test expecting "unreachable"
// would then meet another test's server. So the port comes from below that range, which listen(0) never hands out
// and nothing in the suite binds by number except to a port this module chose.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * The lowest port drawn: fetch refuses a list of "bad ports" (the highest is 10080) before it connects, which
 * would be a different failure from the one a test of an unreachable address expects.
 */
const LOWEST = 10_081;

/** The start of the kernel's ephemeral range: Linux's default where the file is missing (others start higher). */
function ephemeralRangeStart(): number {
  let text: string;
  try {
    text = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
  } catch {
    return 32_768;
  }
  const start = Number(text.trim().split(/\s+/)[0]);
  if (!Number.isInteger(start) || start <= LOWEST + 1_000) {
    throw new Error(`the ephemeral port range starts at ${text.trim()}: no room below it for a closed port`);
  }
  return start;
}

function isFree(port: number): Promise<boolean> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port of 127.0.0.1 with nothing listening on it, between fetch's bad ports and the ephemeral range. */
export async function closedLoopbackPort(): Promise<number> {
  const low = LOWEST;
  const high = ephemeralRangeStart();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (await isFree(port)) return port;
  }
  throw new Error(`no free loopback port found in [${low}, ${high})`);
}
