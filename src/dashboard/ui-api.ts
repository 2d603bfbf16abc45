// The JSON that the dashboard page (src/web) and the `lapse ui` process exchange under /ui-api/. The page asks
// for one page of rows at a time; the process holds the full listings, so no tree size can freeze the browser.

export const VIEW_NAMES = ['expired', 'renewing', 'over-limit'] as const;
export type ViewName = (typeof VIEW_NAMES)[number];

export const SORT_KEYS = [
  'companyName',
  'resellerName',
  'licenseTypeName',
  'renewalDay',
  'targetUserCount',
  'licenceLimit',
  'overBy',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export const EXPORT_FORMATS = ['csv', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const PAGE_SIZES = [10, 25, 50, 100, 250] as const;
export const MAX_WITHIN_DAYS = 730;

/** What the page asks for: the view, its day, its filter, its order and one page of it. */
export interface CompanyQuery {
  view: ViewName;
  /** IANA time zone that decides "today" (contract §4: clients may evaluate D in another zone). */
  timeZone: string;
  /** The day D, `YYYY-MM-DD`; empty means today in `timeZone`. */
  asOf: string;
  /** Renewing view only: renewal days from D through D + withinDays. */
  withinDays: number;
  /** Case-insensitive substring of company name or reseller name (as the contract's SearchInputTextValue). */
  search: string;
  /** Exact reseller name; empty means every reseller. */
  reseller: string;
  sort: SortKey;
  ascending: boolean;
  page: number;
  pageSize: number;
}

/** One table row: the fields a reseller reads, with the day arithmetic already done. */
export interface CompanyRow {
  companyResourceId: string;
  companyName: string;
  resellerName: string | null;
  licenseTypeName: string | null;
  /** UTC calendar day of licenseEndDate (contract §4), or null for an open-ended licence. */
  renewalDay: string | null;
  /** Renewal day minus D: negative when overdue. */
  daysFromAsOf: number | null;
  targetUserCount: number;
  /** The licence limit; null when not limited. */
  licenceLimit: number | null;
  /** Target users over the limit, when over it. */
  overBy: number | null;
}

export interface ListingInfo {
  asOf: string;
  timeZone: string;
  /** How the SDK found the rows (server filter, ordered scan, full scan) and why. */
  strategy: { name: string; reason: string };
  warnings: string[];
  /** When the listing was fetched from the API (ISO-8601). */
  fetchedAt: string;
}

export interface CompanyPage extends ListingInfo {
  view: ViewName;
  /** The order applied (the view's default when the query named none). */
  sort: SortKey;
  ascending: boolean;
  rows: CompanyRow[];
  /** Rows matching the filter, across all pages. */
  total: number;
  /** Rows in the view before the text and reseller filters. */
  viewTotal: number;
  page: number;
  pageSize: number;
  pageCount: number;
  /** Every reseller name in the view, for the reseller filter. */
  resellers: string[];
}

export interface MonthBar {
  /** `YYYY-MM` */
  month: string;
  /** Renewal days in this month before D: lapsed. */
  lapsed: number;
  /** Renewal days in this month from D on: coming up. */
  upcoming: number;
}

export interface Summary extends ListingInfo {
  expiredNow: number;
  expiredLast30Days: number;
  renewingNext30Days: number;
  renewingNext90Days: number;
  /** Target users of the companies whose licence has expired. */
  targetUsersAffected: number;
  overLimit: number;
  /** The 12 months up to D's month (lapsed) and the 12 from D's month (coming up): 23 bars. */
  months: MonthBar[];
}

export interface Session {
  baseUrl: string;
  companyName: string | null;
  role: string | null;
  /** contract §3: the customer the credential is scoped to, when one is configured. */
  companyId: string | null;
}

export type UiErrorKind = 'auth' | 'forbidden' | 'unreachable' | 'rate-limited' | 'server' | 'invalid' | 'not-found';

export interface UiError {
  error: { kind: UiErrorKind; title: string; message: string; detail: string | null };
}
