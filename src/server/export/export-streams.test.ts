// contract §5, "Streamed": both formats pull rows on demand, never end cleanly after a source error, and close
// the source when the consumer goes away.
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { SearchCompanyDto } from '../../contract/index.js';
import { streamCsv } from './csv.js';
import { awaitFirstByte } from './first-byte.js';
import { recordBatchesOf } from './record-batches.js';
import { makeTrickyCompany } from './sample-companies.js';
import { streamXlsx } from './xlsx.js';

/** A source of `total` rows that counts what it hands out, fails on row `failAt` if given, and notes return(). */
function watchedSource(total: number, failAt?: number) {
  const state = { pulled: 0, isReturned: false };
  const rows: AsyncIterable<SearchCompanyDto> = {
    [Symbol.asyncIterator]: () => ({
      async next() {
        if (state.pulled === failAt) throw new Error('cursor lost');
        if (state.pulled >= total) return { done: true, value: undefined };
        state.pulled++;
        return { done: false, value: makeTrickyCompany(state.pulled) };
      },
      async return() {
        state.isReturned = true;
        return { done: true, value: undefined };
      },
    }),
  };
  return { rows, state };
}

interface Outcome {
  bytes: number;
  hasEnded: boolean;
  error?: Error;
}

function consume(stream: Readable): Promise<Outcome> {
  return new Promise((resolve) => {
    let bytes = 0;
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    stream.on('end', () => resolve({ bytes, hasEnded: true }));
    stream.on('error', (error) => resolve({ bytes, hasEnded: false, error }));
  });
}

function firstChunk(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    stream.once('data', (chunk: Buffer) => {
      stream.pause();
      resolve(chunk);
    });
    stream.once('error', reject);
  });
}

const FORMATS = [
  ['CSV', (rows: AsyncIterable<SearchCompanyDto>) => streamCsv(recordBatchesOf(rows))],
  ['Excel', (rows: AsyncIterable<SearchCompanyDto>) => streamXlsx(recordBatchesOf(rows))],
] as const;

describe.each(FORMATS)('%s export stream', (_format, streamRows) => {
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

  it('lets the route learn of a failure before the first byte, while it can still answer with JSON', async () => {
    const { rows } = watchedSource(10, 0);
    await expect(awaitFirstByte(streamRows(rows))).rejects.toThrow('cursor lost');
  });

  it('hands the route every byte once the first exists, and a later failure as an error', async () => {
    const whole = await consume(streamRows(watchedSource(600).rows));
    const handedOver = await consume(await awaitFirstByte(streamRows(watchedSource(600).rows)));
    expect(handedOver).toEqual({ bytes: whole.bytes, hasEnded: true });
    const cut = await consume(await awaitFirstByte(streamRows(watchedSource(5000, 1500).rows)));
    expect(cut).toMatchObject({ hasEnded: false, error: { message: 'cursor lost' } });
  });

  it('closes the source when the route destroys the handed-over stream', async () => {
    const { rows, state } = watchedSource(200_000);
    const stream = await awaitFirstByte(streamRows(rows));
    await firstChunk(stream);
    stream.destroy();
    for (let attempt = 0; attempt < 50 && !state.isReturned; attempt++) await sleep(10);
    expect(state.isReturned).toBe(true);
  });
});
