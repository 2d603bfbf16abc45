// The renewal-day ranges the page filters by: a month of the chart (or the bar of older lapses) and an ageing
// bucket, both worked out against the day D.
import {
  AGEING_BUCKETS,
  type AgeingBucketId,
  addDays,
  type CalendarDay,
  type CalendarMonth,
  firstDayOfMonth,
  lastDayOfMonth,
  OLDER_MONTHS,
} from '../contract/index.js';

/** Renewal days from `first` through `last`, both included; an absent end is open. */
export interface RenewalRange {
  first?: CalendarDay;
  last?: CalendarDay;
}

/** A month's renewal days; `older`: every day before `chartStart`, the chart's first month. */
export function monthRange(month: string, chartStart: CalendarMonth): RenewalRange {
  if (month === OLDER_MONTHS) return { last: addDays(firstDayOfMonth(chartStart), -1) };
  return { first: firstDayOfMonth(month), last: lastDayOfMonth(month) };
}

export function bucketRange(asOf: CalendarDay, id: AgeingBucketId): RenewalRange {
  const bucket = AGEING_BUCKETS.find((candidate) => candidate.id === id);
  if (!bucket) throw new Error(`no ageing bucket ${id}`);
  const from = 'from' in bucket ? bucket.from : undefined;
  return { ...(from !== undefined && { first: addDays(asOf, from) }), last: addDays(asOf, bucket.to) };
}

/** contract §4: an open-ended licence (no renewal day) is in no range. */
export function isInRange(day: CalendarDay | null, range: RenewalRange): boolean {
  if (day === null) return false;
  return (range.first === undefined || day >= range.first) && (range.last === undefined || day <= range.last);
}

/** The ranges a query names, month and bucket, all of which a row must be in. */
export function rangesOf(
  query: { month: string; age: AgeingBucketId | '' },
  asOf: CalendarDay,
  chartStart: CalendarMonth,
): RenewalRange[] {
  return [
    ...(query.month === '' ? [] : [monthRange(query.month, chartStart)]),
    ...(query.age === '' ? [] : [bucketRange(asOf, query.age)]),
  ];
}
