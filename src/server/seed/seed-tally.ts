// Counts kept while the seed writes, so its summary can say how much of each kind of company it made.
import { type CalendarDay, DAY_MS, dayStartUtc, isExpiredAt, isOverLimit } from '../../contract/index.js';
import type { SeededCompany } from './company-tree.js';

export interface SeedCounts {
  companies: number;
  /** contract §4: renewal day before today. */
  expired: number;
  renewingToday: number;
  /** Renewal day after today and at most 30 days ahead. */
  renewingWithin30Days: number;
  openEnded: number;
  /** Limited licences with more target users than the limit. */
  overLimit: number;
  maxDepth: number;
}

export function createTally(today: CalendarDay) {
  const todayStart = dayStartUtc(today);
  const counts: SeedCounts = {
    companies: 0,
    expired: 0,
    renewingToday: 0,
    renewingWithin30Days: 0,
    openEnded: 0,
    overLimit: 0,
    maxDepth: 0,
  };
  return {
    counts,
    add(row: SeededCompany): void {
      counts.companies++;
      counts.maxDepth = Math.max(counts.maxDepth, row.depth);
      const licence = {
        isNumberOfUsersLimited: row.is_number_of_users_limited === 1,
        numberOfUsers: row.number_of_users,
        targetUserCount: row.target_user_count,
      };
      if (isOverLimit(licence)) counts.overLimit++;
      if (row.license_end_at === null || row.license_end_at === undefined) {
        counts.openEnded++;
        return;
      }
      if (isExpiredAt(row.license_end_at, todayStart)) {
        counts.expired++;
        return;
      }
      // Whole UTC days from today to the renewal day (contract §4 compares calendar days).
      const days = Math.floor((row.license_end_at - todayStart) / DAY_MS);
      if (days === 0) counts.renewingToday++;
      else if (days <= 30) counts.renewingWithin30Days++;
    },
  };
}
