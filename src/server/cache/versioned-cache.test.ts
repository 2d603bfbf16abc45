import { describe, expect, it } from 'vitest';
import { ENTRY_OVERHEAD_BYTES } from './bounded-map.js';
import { createVersionedCache } from './versioned-cache.js';

/** A one-letter key at version 'v' costs this much besides its value. */
const SMALL_ENTRY = 2 + 2 + ENTRY_OVERHEAD_BYTES;
const limits = {
  maxEntries: 3,
  maxBytes: 4 * (SMALL_ENTRY + 100),
  maxKeyBytes: 64,
  valueBytes: (text: string) => text.length,
};

describe('createVersionedCache', () => {
  it('serves an entry only for the version it was computed at', () => {
    const cache = createVersionedCache(limits);
    cache.set('page', 'v1', 'one');
    expect(cache.get('page', 'v1')).toBe('one');
    expect(cache.get('page', 'v2')).toBeUndefined();
    // A miss on a newer version drops the stale entry for good.
    expect(cache.get('page', 'v1')).toBeUndefined();
  });

  it('drops the least recently used entry past the entry limit', () => {
    const cache = createVersionedCache(limits);
    for (const key of ['a', 'b', 'c']) cache.set(key, 'v', key);
    cache.get('a', 'v');
    cache.set('d', 'v', 'd');
    expect(['a', 'b', 'c', 'd'].map((key) => cache.get(key, 'v'))).toEqual(['a', undefined, 'c', 'd']);
  });

  it('keeps keys and values within the byte budget and never keeps an entry over a quarter of it', () => {
    const cache = createVersionedCache({ ...limits, maxEntries: 10 });
    cache.set('big', 'v', 'x'.repeat(101));
    expect(cache.get('big', 'v')).toBeUndefined();
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, 'v', key.repeat(100));
    expect(cache.get('a', 'v')).toBe('a'.repeat(100));
    cache.set('e', 'v', 'e');
    expect(['a', 'b', 'c', 'd', 'e'].map((key) => cache.get(key, 'v')?.length)).toEqual([100, undefined, 100, 100, 1]);
  });

  it('counts the key: a long key displaces entries, and one over the key limit is not kept', () => {
    const cache = createVersionedCache({ ...limits, maxEntries: 10 });
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, 'v', key.repeat(100));
    // 30 characters of key cost 60 bytes: with a one-byte value it no longer fits beside four full entries.
    cache.set('k'.repeat(30), 'v', 'k');
    expect(cache.get('a', 'v')).toBeUndefined();
    expect(cache.get('k'.repeat(30), 'v')).toBe('k');
    cache.set('k'.repeat(33), 'v', 'k');
    expect(cache.get('k'.repeat(33), 'v')).toBeUndefined();
    expect(cache.get('b', 'v')).toBe('b'.repeat(100));
  });

  it('computes a missing value once and keeps it for the version', async () => {
    const cache = createVersionedCache(limits);
    let computed = 0;
    const compute = async () => `value ${++computed}`;
    expect(await cache.getOrCompute('k', 'v1', compute)).toBe('value 1');
    expect(await cache.getOrCompute('k', 'v1', compute)).toBe('value 1');
    expect(await cache.getOrCompute('k', 'v2', compute)).toBe('value 2');
  });

  it('computes every time for a key over the key limit', async () => {
    const cache = createVersionedCache(limits);
    let computed = 0;
    const compute = async () => `value ${++computed}`;
    const long = 'q'.repeat(33);
    expect(await cache.getOrCompute(long, 'v1', compute)).toBe('value 1');
    expect(await cache.getOrCompute(long, 'v1', compute)).toBe('value 2');
  });

  it('lets callers of one owner asking during a computation share it and its outcome, and no other owner', async () => {
    const cache = createVersionedCache(limits);
    let computed = 0;
    let release: (value: string) => void = () => {};
    const slow = () => {
      computed++;
      return new Promise<string>((resolve) => {
        release = resolve;
      });
    };
    const first = cache.getOrCompute('k', 'v1', slow, 'client a');
    const second = cache.getOrCompute('k', 'v1', slow, 'client a');
    const otherVersion = cache.getOrCompute('k', 'v2', async () => 'v2 value', 'client a');
    const otherOwner = cache.getOrCompute('k', 'v1', async () => 'computed for client b', 'client b');
    expect(await otherOwner).toBe('computed for client b');
    release('shared');
    expect(await Promise.all([first, second, otherVersion])).toEqual(['shared', 'shared', 'v2 value']);
    expect(computed).toBe(1);

    let attempts = 0;
    const refuse = async () => {
      attempts++;
      throw new Error('this client’s turn refused');
    };
    const failing = cache.getOrCompute('f', 'v1', refuse, 'client a');
    const joined = cache.getOrCompute('f', 'v1', refuse, 'client a');
    await expect(failing).rejects.toThrow('this client’s turn refused');
    await expect(joined).rejects.toThrow('this client’s turn refused');
    expect(attempts).toBe(1);
    // Nothing is kept of a failure: the next caller computes.
    expect(await cache.getOrCompute('f', 'v1', async () => 'computed now', 'client a')).toBe('computed now');
  });
});
