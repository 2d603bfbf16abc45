// The lists the dashboard page offers and the `lapse ui` process accepts, as plain values: the page imports these
// (dashboard-api.ts builds its schemas from them), so no schema code ships to the browser.

export const VIEW_NAMES = ['expired', 'renewing', 'over-limit'] as const;

export const SORT_KEYS = [
  'companyName',
  'resellerName',
  'licenseTypeName',
  'renewalDay',
  'targetUserCount',
  'licenceLimit',
  'overBy',
] as const;

export const DOWNLOAD_FORMATS = ['csv', 'xlsx'] as const;

/** The page sizes the page offers; the largest is the most a query may ask for. */
export const DASHBOARD_PAGE_SIZES = [10, 25, 50, 100, 250] as const;

/** The longest renewal window, in days, the Renewing view may ask for. */
export const MAX_WITHIN_DAYS = 730;

export const UI_ERROR_KINDS = [
  'auth',
  'forbidden',
  'unreachable',
  'rate-limited',
  'server',
  'invalid',
  'not-found',
] as const;

/**
 * The ageing buckets: days overdue on the Expired side, days left on the Renewing side, each an inclusive range of
 * the renewal day minus D (`to` absent: no end). "Overdue 0–30" starts at one day: a renewal day equal to D is not
 * yet expired (contract §4). "90+" is 91 days and more.
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
  view: (typeof VIEW_NAMES)[number];
  label: string;
  from?: number;
  to: number;
}[];

export const AGEING_BUCKET_IDS = AGEING_BUCKETS.map((bucket) => bucket.id);

/** The chart's bar of lapses before its first month (more than 11 months before D's month). */
export const OLDER_MONTHS = 'older';
