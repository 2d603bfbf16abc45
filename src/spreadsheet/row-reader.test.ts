import { describe, expect, it } from 'vitest';
import { RowReader } from './row-reader.js';

/** Batches of the given sizes, numbered rows; notes how many batches were taken and whether return() ran. */
function batches(sizes: number[]) {
  const state = { taken: 0, isReturned: false };
  let next = 1;
  const source: AsyncIterable<number[]> = {
    [Symbol.asyncIterator]: () => ({
      async next() {
        const size = sizes[state.taken];
        if (size === undefined) return { done: true, value: undefined };
        state.taken++;
        return { done: false, value: Array.from({ length: size }, () => next++) };
      },
      async return() {
        state.isReturned = true;
        return { done: true, value: undefined };
      },
    }),
  };
  return { source, state };
}

describe('RowReader', () => {
  it('hands rows over in chunks of its own, across batch ends and empty batches', async () => {
    const { source } = batches([3, 0, 2, 4]);
    const reader = new RowReader(source);
    expect(await reader.read(4)).toEqual([1, 2, 3, 4]);
    expect(await reader.read(4)).toEqual([5, 6, 7, 8]);
    expect(await reader.read(4)).toEqual([9]);
    expect(await reader.read(4)).toEqual([]);
    expect(await reader.hasMore()).toBe(false);
  });

  it('takes a batch only when a row of it is wanted', async () => {
    const { source, state } = batches([2, 2, 2]);
    const reader = new RowReader(source);
    expect(await reader.read(2)).toEqual([1, 2]);
    expect(state.taken).toBe(1);
    expect(await reader.hasMore()).toBe(true);
    expect(state.taken).toBe(2);
    expect(await reader.read(1)).toEqual([3]);
    expect(state.taken).toBe(2);
  });

  it("calls the source's return() on close, once, and never after the source has ended", async () => {
    const open = batches([2, 2]);
    const reader = new RowReader(open.source);
    await reader.read(1);
    reader.close();
    reader.close();
    expect(open.state.isReturned).toBe(true);
    expect(await reader.read(5)).toEqual([]);

    const ended = batches([1]);
    const drained = new RowReader(ended.source);
    expect(await drained.read(5)).toEqual([1]);
    drained.close();
    expect(ended.state.isReturned).toBe(false);
  });
});
