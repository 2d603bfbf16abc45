import { describe, expect, it } from 'vitest';
import { forEachBounded } from './bounded-work.js';

describe('forEachBounded', () => {
  it('keeps at most the limit in flight, starts items in order and visits each once', async () => {
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    await forEachBounded([5, 1, 4, 2, 3, 0, 6], 3, async (delay, index) => {
      started.push(index);
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, delay));
      inFlight--;
    });
    expect(most).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('rejects with the failure', async () => {
    const failing = forEachBounded(['a', 'b'], 2, async (item) => {
      if (item === 'b') throw new Error('b failed');
    });
    await expect(failing).rejects.toThrow('b failed');
  });
});
