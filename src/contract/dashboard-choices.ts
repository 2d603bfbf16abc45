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
  'history',
] as const;

/** What the roll-up table groups by: the CLI's two keys and lapse's lifecycle state. */
export const ROLL_UP_KEYS = ['reseller', 'licence-type', 'state'] as const;

/** The Changes view's usual choices of `since`; a YYYY-MM-DD day may be chosen besides. */
export const SINCE_CHOICES = ['last', '7d', '30d'] as const;

export { AGEING_BUCKET_IDS, AGEING_BUCKETS } from './ageing-buckets.js';

/** The chart's bar of lapses before its first month (more than 11 months before D's month). */
export const OLDER_MONTHS = 'older';
