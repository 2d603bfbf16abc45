import { describe, expect, it } from 'vitest';
import { mapBounded } from './over-profiles.js';

describe('mapBounded', () => {
  it("runs at most `limit` at once and keeps each outcome in the names' order, failures included", async () => {
    let running = 0;
    let most = 0;
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    const outcomes = await mapBounded(names, 3, async (name) => {
      running += 1;
      most = Math.max(most, running);
      // Later names finish first, so completion order differs from the names' order.
      await new Promise((resolve) => setTimeout(resolve, (names.length - names.indexOf(name)) * 5));
      running -= 1;
      if (name === 'c') throw new Error('c failed');
      return name.toUpperCase();
    });
    expect(most).toBe(3);
    expect(outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : 'rejected'))).toEqual([
      'A',
      'B',
      'rejected',
      'D',
      'E',
      'F',
      'G',
    ]);
  });

  it('starts no more workers than there are names', async () => {
    let calls = 0;
    const outcomes = await mapBounded(['only'], 4, async () => ++calls);
    expect(calls).toBe(1);
    expect(outcomes).toEqual([{ status: 'fulfilled', value: 1 }]);
  });
});
