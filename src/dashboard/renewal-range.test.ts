import { describe, expect, it } from 'vitest';
import { AGEING_BUCKETS } from '../contract/index.js';
import { bucketRange, isInRange, monthRange } from './renewal-range.js';

const D = '2026-03-10';

describe('renewal ranges', () => {
  it('puts every day around D in exactly one bucket of its side, D itself only in "due 0–7"', () => {
    for (let offset = -400; offset <= 90; offset++) {
      const day = new Date(Date.parse(`${D}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
      const holding = AGEING_BUCKETS.filter((bucket) => isInRange(day, bucketRange(D, bucket.id))).map((b) => b.id);
      expect({ day, holding: holding.length }).toEqual({ day, holding: 1 });
      expect(holding[0]?.startsWith(offset < 0 ? 'overdue' : 'due'), day).toBe(true);
    }
    expect(isInRange('2026-03-09', bucketRange(D, 'overdue-0-30'))).toBe(true);
    expect(isInRange('2026-02-08', bucketRange(D, 'overdue-0-30'))).toBe(true);
    expect(isInRange('2026-02-07', bucketRange(D, 'overdue-31-60'))).toBe(true);
    expect(isInRange('2025-12-09', bucketRange(D, 'overdue-90-plus'))).toBe(true);
    expect(isInRange('2025-12-10', bucketRange(D, 'overdue-61-90'))).toBe(true);
    expect(isInRange(null, bucketRange(D, 'overdue-90-plus'))).toBe(false);
  });

  it('reads a month as its days, and "older" as every day before the chart', () => {
    expect(monthRange('2024-02', '2025-04')).toEqual({ first: '2024-02-01', last: '2024-02-29' });
    expect(monthRange('older', '2025-04')).toEqual({ last: '2025-03-31' });
    expect(isInRange('1999-01-01', monthRange('older', '2025-04'))).toBe(true);
    expect(isInRange('2025-04-01', monthRange('older', '2025-04'))).toBe(false);
  });
});
