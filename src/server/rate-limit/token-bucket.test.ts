import { describe, expect, it } from 'vitest';
import { createMemoryRateLimitStore } from './token-bucket.js';

describe('createMemoryRateLimitStore', () => {
  it('limits a key too long to keep as it limits any other, by its digest', async () => {
    const store = createMemoryRateLimitStore({ maxBytes: 64 * 1024, maxKeyBytes: 64 });
    const long = `token-failure:client:${'c'.repeat(10_000)}`;
    for (let i = 0; i < 3; i++) expect((await store.take(long, 3, 0)).isAllowed).toBe(true);
    expect((await store.take(long, 3, 0)).isAllowed).toBe(false);
    expect((await store.peek(long, 3, 0)).isAllowed).toBe(false);
    expect((await store.take(`${long}x`, 3, 0)).isAllowed).toBe(true);
  });

  it('gives a token back to a long key, kept by its digest', async () => {
    const store = createMemoryRateLimitStore({ maxBytes: 64 * 1024, maxKeyBytes: 64 });
    const long = `token-failure:address:${'a'.repeat(10_000)}`;
    for (let i = 0; i < 3; i++) await store.take(long, 3, 0);
    expect((await store.peek(long, 3, 0)).isAllowed).toBe(false);
    await store.give(long, 3, 0);
    expect((await store.peek(long, 3, 0)).isAllowed).toBe(true);
  });

  it('forgets the least recently used buckets once sprayed keys fill its byte budget', async () => {
    const store = createMemoryRateLimitStore({ maxBytes: 4 * 1024, maxKeyBytes: 512 });
    await store.take('kept', 1, 0);
    for (let i = 0; i < 1_000; i++) {
      await store.take(`address:${i}`, 1, 0);
      // A bucket in use stays: only the ones not touched since go.
      if (i % 10 === 0) await store.take('kept', 1, 0);
    }
    expect((await store.peek('kept', 1, 0)).isAllowed).toBe(false);
    expect((await store.peek('address:0', 1, 0)).isAllowed).toBe(true);
    expect((await store.peek('address:999', 1, 0)).isAllowed).toBe(false);
  });
});
