// The ageing buckets every view of a listing shares (CLI summary, files, dashboard): how long ago a licence lapsed,
// or how soon it renews, counted in days from the listing's day D.
import { type CalendarDay, daysBetween } from './calendar-day.js';

/**
 * Days overdue on the Expired side, days left on the Renewing side, each an inclusive range of the renewal day
 * minus D (`from` absent: no start). "Overdue 0–30" starts at one day: a renewal day equal to D is not yet expired
 * (contract §4). "90+" is 91 days and more.
 */
export const AGEING_BUCKETS = [
  { id: 'overdue-0-30', view: 'expired', label: '0–30 days', from: -30, to: -1 },
  { id: 'overdue-31-60', view: 'expired', label: '31–60 days', from: -60, to: -31 },
  { id: 'overdue-61-90', view: 'expired', label: '61–90 days', from: -90, to: -61 },
  { id: 'overdue-90-plus', view: 'expired', label: '90+ days', to: -91 },
  { id: 'due-0-7', view: 'renewing', label: '0–7 days', from: 0, to: 7 },
  { id: 'due-8-30', view: 'renewing', label: '8–30 days', from: 8, to: 30 },
  { id: 'due-31-90', view: 'renewing', label: '31–90 days', from: 31, to: 90 },
] as const satisfies readonly {
  id: string;
  view: 'expired' | 'renewing';
  label: string;
  from?: number;
  to: number;
}[];

export type AgeingBucket = (typeof AGEING_BUCKETS)[number];

export const AGEING_BUCKET_IDS = AGEING_BUCKETS.map((bucket) => bucket.id);

/** "overdue 0–30 days", "due 8–30 days": a bucket in words. */
export function describeAgeingBucket(bucket: AgeingBucket): string {
  return `${bucket.view === 'expired' ? 'overdue' : 'due'} ${bucket.label}`;
}

/** The bucket a renewal day falls in on day D; none for an open-ended licence or one due in more than 90 days. */
export function ageingBucketOf(renewalDay: CalendarDay | null, asOf: CalendarDay): AgeingBucket | undefined {
  if (renewalDay === null) return undefined;
  const days = daysBetween(asOf, renewalDay);
  return AGEING_BUCKETS.find((bucket) => (!('from' in bucket) || days >= bucket.from) && days <= bucket.to);
}
