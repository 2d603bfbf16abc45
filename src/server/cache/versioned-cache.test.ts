import { describe, expect, it } from 'vitest';
import { createVersionedCache } from './versioned-cache.js';

const limits = { maxEntries: 3, maxSize: 100, sizeOf: (text: string) => text.length };

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

  it('keeps the total size within its limit and never keeps a value over a quarter of it', () => {
    const cache = createVersionedCache({ ...limits, maxEntries: 10 });
    cache.set('big', 'v', 'x'.repeat(26));
    expect(cache.get('big', 'v')).toBeUndefined();
    for (const key of ['a', 'b', 'c', 'd']) cache.set(key, 'v', key.repeat(25));
    expect(cache.get('a', 'v')).toBe('a'.repeat(25));
    cache.set('e', 'v', 'e');
    expect(['a', 'b', 'c', 'd', 'e'].map((key) => cache.get(key, 'v')?.length)).toEqual([25, undefined, 25, 25, 1]);
  });

  it('computes a missing value once and keeps it for the version', async () => {
    const cache = createVersionedCache(limits);
    let computed = 0;
    const compute = async () => `value ${++computed}`;
    expect(await cache.getOrCompute('k', 'v1', compute)).toBe('value 1');
    expect(await cache.getOrCompute('k', 'v1', compute)).toBe('value 1');
    expect(await cache.getOrCompute('k', 'v2', compute)).toBe('value 2');
  });
});
