// contract §5, "Streamed": both formats pull rows on demand, never end cleanly after a source error, and close
// the source when the consumer goes away.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { consume, EXPORT_FORMATS, firstChunk, watchedSource } from '../../test/support/export-stream-probes.js';
import { makeTrickyCompany } from '../../test/support/sample-companies.js';

describe.each(EXPORT_FORMATS)('%s export stream', (_format, streamRows) => {
  it('fails before its first byte when the source fails on the first row', async () => {
    const { rows } = watchedSource(10, 0);
    const outcome = await consume(streamRows(rows));
    expect(outcome).toMatchObject({ bytes: 0, hasEnded: false, error: { message: 'cursor lost' } });
  });

  it('is destroyed with the source error, never ended, when the source fails mid-way', async () => {
    const { rows, state } = watchedSource(5000, 1500);
    const outcome = await consume(streamRows(rows));
    expect(outcome.bytes).toBeGreaterThan(0);
    expect(outcome.hasEnded).toBe(false);
    expect(outcome.error?.message).toBe('cursor lost');
    expect(state.isReturned).toBe(false);
  });

  it('reads only as far ahead as the consumer, however long the source', async () => {
    const { rows, state } = watchedSource(200_000);
    const stream = streamRows(rows);
    await firstChunk(stream);
    await sleep(300); // give any runaway reading the chance to show itself
    expect(state.pulled).toBeGreaterThan(0);
    expect(state.pulled).toBeLessThan(20_000);
    stream.destroy();
  });

  it("stops reading and calls the source's return() when the consumer destroys it", async () => {
    const { rows, state } = watchedSource(200_000);
    const stream = streamRows(rows);
    await firstChunk(stream);
    stream.destroy();
    const pulledAtDestroy = state.pulled;
    await sleep(100);
    expect(state.isReturned).toBe(true);
    expect(state.pulled).toBe(pulledAtDestroy);
  });

  it('runs the finally block of a generator source when the consumer leaves early', async () => {
    let isClosed = false;
    async function* rows() {
      try {
        for (let i = 1; i <= 200_000; i++) yield makeTrickyCompany(i);
      } finally {
        isClosed = true;
      }
    }
    const stream = streamRows(rows());
    await firstChunk(stream);
    stream.destroy();
    for (let attempt = 0; attempt < 50 && !isClosed; attempt++) await sleep(10);
    expect(isClosed).toBe(true);
  });

  it('reads a source that has ended to the end without calling return()', async () => {
    const { rows, state } = watchedSource(300);
    const outcome = await consume(streamRows(rows));
    expect(outcome.hasEnded).toBe(true);
    expect(state).toEqual({ pulled: 300, isReturned: false });
  });
});
