// A byte stream that asks for its next chunk only when the consumer wants more, so memory stays flat
// whatever the row count (contract §5: streamed).
import { Readable } from 'node:stream';

/**
 * `produce` returns the next non-empty text chunk, or null at the end. A rejection destroys the stream with
 * that error, so a cut export never ends cleanly. `onDestroy` runs however the stream ends early or late.
 */
export function streamPulled(produce: () => Promise<string | null>, onDestroy: () => void): Readable {
  return new Readable({
    read() {
      produce().then(
        (chunk) => {
          if (!this.destroyed) this.push(chunk);
        },
        (error: unknown) => this.destroy(error instanceof Error ? error : new Error(String(error))),
      );
    },
    destroy(error, callback) {
      onDestroy();
      callback(error);
    },
  });
}
