// HTTP below fetch: a response whose reading the test controls byte by byte (pause, read a little, abort), and a
// raw exchange over a plain TCP socket, so the exact bytes of the status line and headers can be checked.
import http, { type IncomingMessage } from 'node:http';
import { connect } from 'node:net';

export interface OpenedResponse {
  response: IncomingMessage;
  /** Ends the exchange from the client's side, as a browser tab that is closed. */
  abort(): void;
}

/**
 * POSTs `body` as JSON on a connection of its own (no keep-alive pool, so the server's descriptors are the test's
 * to count) and resolves at the response headers, with the body paused: nothing is read until the test reads.
 */
export function postJson(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<OpenedResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(path, baseUrl), {
      method: 'POST',
      agent: false,
      headers: { 'content-type': 'application/json', ...headers },
    });
    request.once('error', reject);
    request.once('response', (response) => {
      response.pause();
      resolve({ response, abort: () => request.destroy() });
    });
    request.end(JSON.stringify(body));
  });
}

/** Reads up to `bytes` of what has arrived, waiting (at most `waitMs`) when nothing has yet. */
export async function readSome(response: IncomingMessage, bytes: number, waitMs = 5_000): Promise<Buffer | null> {
  const chunk = response.read(bytes) ?? response.read();
  if (chunk !== null || response.readableEnded) return chunk as Buffer | null;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, waitMs);
    function done() {
      clearTimeout(timer);
      response.off('readable', done);
      response.off('end', done);
      response.off('close', done);
      resolve();
    }
    response.once('readable', done);
    response.once('end', done);
    response.once('close', done);
  });
  return (response.read(bytes) ?? response.read()) as Buffer | null;
}

/** Reads the rest of a response and keeps only its length: for bodies too large to hold, or not worth it. */
export async function drainRest(response: IncomingMessage): Promise<number> {
  let bytes = 0;
  for await (const chunk of response) bytes += (chunk as Buffer).length;
  return bytes;
}

/** Reads the rest of the body; rejects when the transfer is cut (the server destroyed the connection). */
export async function readRest(response: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Sends `head` (request line and headers, CRLF-separated) and `body` on a raw socket; returns every byte back. */
export function rawExchange(baseUrl: string, head: string, body = ''): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    const chunks: Buffer[] = [];
    socket.setTimeout(15_000, () => socket.destroy(new Error('raw exchange timed out')));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    socket.on('connect', () => {
      // No half-close: Node's server drops a request whose client has ended its side; `connection: close` ends it.
      socket.write(`${head}\r\nconnection: close\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
  });
}
