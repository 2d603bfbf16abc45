import { describe, expect, it } from 'vitest';
import { backoffDelay, parseRetryAfter, retryPolicy, withRetry } from './retry-policy.js';

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('3', null, 0)).toBe(3000);
    expect(parseRetryAfter('0', null, 0)).toBe(0);
  });
  it("reads an HTTP date against the response's Date header rather than the client clock", () => {
    const serverNow = Date.parse('2026-03-01T12:00:00Z');
    const header = new Date(serverNow + 5000).toUTCString();
    expect(parseRetryAfter(header, new Date(serverNow).toUTCString(), 0)).toBe(5000);
    expect(parseRetryAfter(header, null, serverNow + 2000)).toBe(3000);
  });
  it('ignores what it cannot read, and never waits a negative time', () => {
    expect(parseRetryAfter(null, null, 0)).toBeUndefined();
    expect(parseRetryAfter('soon', null, 0)).toBeUndefined();
    expect(parseRetryAfter(new Date(0).toUTCString(), null, 10_000)).toBe(0);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, jittered below it', () => {
    const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000 });
    expect(backoffDelay(policy, 0, () => 1)).toBe(100);
    expect(backoffDelay(policy, 3, () => 1)).toBe(800);
    expect(backoffDelay(policy, 10, () => 1)).toBe(1000);
    expect(backoffDelay(policy, 10, () => 0.5)).toBe(500);
  });
});

describe('withRetry', () => {
  it('stops after the configured number of retries and throws the last error', async () => {
    let attempts = 0;
    const run = withRetry(retryPolicy({ retries: 2, baseDelayMs: 1 }), async (n) => {
      attempts++;
      return { kind: 'retryable', error: new Error(`attempt ${n}`) };
    });
    await expect(run).rejects.toThrow('attempt 2');
    expect(attempts).toBe(3);
  });
  it('gives up when the requested wait would pass the total budget', async () => {
    let attempts = 0;
    const run = withRetry(retryPolicy({ retries: 5, maxTotalMs: 1000 }), async () => {
      attempts++;
      return { kind: 'retryable', error: new Error('busy'), retryAfterMs: 5000 };
    });
    await expect(run).rejects.toThrow('busy');
    expect(attempts).toBe(1);
  });
});
