import { describe, expect, it } from 'vitest';
import { createSecretCheckQueue } from './secret-check-queue.js';

/** A check that finishes when the test says so. */
function heldCheck(order: string[], name: string) {
  let finish = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  return {
    run: async () => {
      order.push(name);
      await done;
      return name;
    },
    finish: () => finish(),
  };
}

/** A check that notes when it starts and returns its name. */
const notedCheck = (order: string[], name: string) => async () => {
  order.push(name);
  return name;
};

describe('createSecretCheckQueue', () => {
  it('runs at most `concurrency` checks, lets priority callers go first, and turns away a full line', async () => {
    const queue = createSecretCheckQueue({ concurrency: 1, maxWaiting: 2 });
    const order: string[] = [];
    const first = heldCheck(order, 'first');
    const running = queue.run(first.run, false);
    const guesses = ['guess-1', 'guess-2'].map((name) => queue.run(notedCheck(order, name), false));
    expect(await queue.run(async () => 'guess-3', false)).toBeUndefined();
    const client = queue.run(notedCheck(order, 'client'), true);
    expect(order).toEqual(['first']);
    first.finish();
    expect(await Promise.all([running, client, ...guesses])).toEqual(['first', 'client', 'guess-1', 'guess-2']);
    expect(order).toEqual(['first', 'client', 'guess-1', 'guess-2']);
  });

  it('frees its slot when a check throws', async () => {
    const queue = createSecretCheckQueue({ concurrency: 1, maxWaiting: 0 });
    await expect(queue.run(() => Promise.reject(new Error('broken')), true)).rejects.toThrow('broken');
    expect(await queue.run(async () => 'next', true)).toBe('next');
  });
});
