// An export whose client never reads: a raw loopback socket that takes the first bytes of the answer (the status
// line) and then nothing, so the server fills the socket buffers and waits.
import { connect, type Socket } from 'node:net';
import { searchBody } from './api.js';

/** POSTs a whole-file CSV export on a socket that takes the first bytes of the answer and then reads nothing. */
export function stalledExport(
  baseUrl: string,
  token: string,
  answerTimeoutMs = 15_000,
): Promise<{ status: number; socket: Socket }> {
  const { hostname, port } = new URL(baseUrl);
  const body = JSON.stringify({ ...searchBody(), reportAllPages: true, exportType: 'CSV' });
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.setTimeout(answerTimeoutMs, () => socket.destroy(new Error('no answer to the export')));
    socket.once('error', reject);
    socket.once('data', (chunk: Buffer) => {
      socket.pause();
      socket.setTimeout(0);
      resolve({ status: Number(chunk.toString('latin1').slice(9, 12)), socket });
    });
    socket.write(
      `POST /api/companies/search/export HTTP/1.1\r\nhost: ${hostname}:${port}\r\nauthorization: Bearer ${token}\r\n` +
        `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}
