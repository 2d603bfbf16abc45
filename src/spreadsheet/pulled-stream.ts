// A byte stream that asks for its next chunk only when the consumer wants more, so memory stays flat
// whatever the row count (contract §5: streamed).
import { Readable } from 'node:stream';
import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Longest run of chunks made without letting the event loop turn. A source that answers at once (SQLite) and a
 * consumer that never pushes back (a fast client, whose socket writes complete at once) would otherwise keep the
 * whole export in microtasks, and the process would answer no one else until it ended.
 */
const MAX_RUN_MS = 10;

/**
 * `produce` returns the next non-empty text chunk, or null at the end. A rejection destroys the stream with
 * that error, so a cut export never ends cleanly. `onDestroy` runs however the stream ends early or late.
 */
export function streamPulled(produce: () => Promise<string | null>, onDestroy: () => void): Readable {
  let runStartedAt = performance.now();
  const produceInTurn = async () => {
    if (performance.now() - runStartedAt >= MAX_RUN_MS) {
      await nextTurn();
      runStartedAt = performance.now();
    }
    return produce();
  };
  return new Readable({
    read() {
      produceInTurn().then(
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
