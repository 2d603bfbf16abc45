import { describe, expect, it } from 'vitest';
import { createRestartBackoff } from './restart-backoff.js';

const options = { firstDelayMs: 100, maxDelayMs: 1_000, healthyAfterMs: 5_000 };

describe('createRestartBackoff', () => {
  it('doubles the delay while workers die young, up to the maximum', () => {
    const backoff = createRestartBackoff(options);
    const delays = Array.from({ length: 6 }, () => backoff.delayAfterExit(50));
    expect(delays).toEqual([100, 200, 400, 800, 1_000, 1_000]);
  });

  it('starts over after a worker that had been healthy', () => {
    const backoff = createRestartBackoff(options);
    backoff.delayAfterExit(50);
    backoff.delayAfterExit(50);
    expect(backoff.delayAfterExit(60_000)).toBe(100);
    expect(backoff.delayAfterExit(50)).toBe(100);
    expect(backoff.delayAfterExit(50)).toBe(200);
  });
});
