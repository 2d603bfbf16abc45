// A seeded company's monthly active users in each of the USAGE_MONTHS months before the seed's month (contract §4
// MonthlyActiveUser; the seed's own month is the company's current count). Drawn from a stream of its own, so
// the companies come out exactly as they did before monthly usage was seeded.
import { type CalendarDay, dayStartUtc, firstDayOfMonth, monthOf, shiftMonth } from '../../contract/index.js';
import type { MonthlyUsageTable } from '../db/index.js';
import type { SeededCompany } from './company-tree.js';
import { createRandom, type Random } from './random.js';

export const USAGE_MONTHS = 24;

/** Mixed into the seed so the usage stream differs from the company stream drawn from the same seed. */
const USAGE_STREAM = 0x75_73_61_67;

/** A seeded month and the instant it ends (the next month's first UTC midnight). */
export interface UsageMonth {
  month: string;
  endMs: number;
}

/** The months seeded before `today`'s month, oldest first. */
export function seededUsageMonths(today: CalendarDay): UsageMonth[] {
  const current = monthOf(today);
  return Array.from({ length: USAGE_MONTHS }, (_, index) => {
    const month = shiftMonth(current, index - USAGE_MONTHS);
    return { month, endMs: dayStartUtc(firstDayOfMonth(shiftMonth(month, 1))) };
  });
}

export function createUsageRandom(seed: number): Random {
  return createRandom((seed ^ USAGE_STREAM) >>> 0);
}

/**
 * The company's rows: none for a month that ended before it was created; otherwise a count up to its target
 * users, drifting from month to month as real usage does.
 */
export function usageRowsOf(
  company: SeededCompany,
  months: readonly UsageMonth[],
  random: Random,
): MonthlyUsageTable[] {
  const rows: MonthlyUsageTable[] = [];
  const ceiling = company.target_user_count;
  const step = Math.ceil(ceiling / 10);
  let count = random.integer(0, ceiling);
  for (const { month, endMs } of months) {
    count = Math.min(ceiling, Math.max(0, count + random.integer(-step, step)));
    if (company.created_at < endMs) rows.push({ company_id: company.id, month, active_user_count: count });
  }
  return rows;
}
