// contract §5: "An error before the first byte is a JSON ServiceResult; an error after it aborts the response."
// The route awaits the first byte of an export before it sends any header, and so learns which case it is in.
import { Readable } from 'node:stream';

/**
 * Resolves, once `exportStream` has produced its first bytes (or ended empty), with a stream of all its bytes
 * to send; rejects with the export's error if it fails before that. The returned stream keeps the export's
 * backpressure and errors, and destroying it destroys the export (which closes the row source).
 */
export async function awaitFirstByte(exportStream: Readable): Promise<Readable> {
  const chunks = exportStream[Symbol.asyncIterator]();
  const first = await chunks.next();
  async function* allChunks(): AsyncGenerator<Buffer> {
    if (first.done) return;
    yield first.value as Buffer;
    yield* chunks;
  }
  return Readable.from(allChunks(), { objectMode: false });
}
