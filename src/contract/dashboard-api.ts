// What the dashboard page (src/web) and the `lapse ui` process (src/dashboard) exchange under /ui-api/: the query
// strings the page sends and the JSON it gets back. The page asks for one page of rows at a time; the process
// holds the full listings, so no tree size can freeze the browser.
import { type SchemaOptions, type Static, type TSchema, Type } from '@sinclair/typebox';
import { isValidTimeZone, parseDay } from './calendar-day.js';
import { CompanyDtoSchema } from './company-dto.js';
import {
  AGEING_BUCKET_IDS,
  DASHBOARD_PAGE_SIZES,
  DOWNLOAD_FORMATS,
  MAX_WITHIN_DAYS,
  OLDER_MONTHS,
  SORT_KEYS,
  UI_ERROR_KINDS,
  VIEW_NAMES,
} from './dashboard-choices.js';

export * from './dashboard-choices.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const OneOf = <T extends string>(values: readonly T[], options?: SchemaOptions) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    options,
  );

export const ViewNameSchema = OneOf(VIEW_NAMES);
export type ViewName = Static<typeof ViewNameSchema>;

export const SortKeySchema = OneOf(SORT_KEYS);
export type SortKey = Static<typeof SortKeySchema>;

export const DownloadFormatSchema = OneOf(DOWNLOAD_FORMATS);
export type DownloadFormat = Static<typeof DownloadFormatSchema>;

export const AgeingBucketIdSchema = OneOf(AGEING_BUCKET_IDS);
export type AgeingBucketId = Static<typeof AgeingBucketIdSchema>;

/** The string formats the query schemas name, for the validator that checks them. */
export const DASHBOARD_QUERY_FORMATS = {
  'time-zone': isValidTimeZone,
  'calendar-day': (text: string) => parseDay(text) !== undefined,
  'chart-month': (text: string) => text === OLDER_MONTHS || /^\d{4}-(0[1-9]|1[0-2])$/.test(text),
} satisfies Record<string, (text: string) => boolean>;

// Query strings. The page sends every parameter, and an empty one means the same as an absent one. Properties
// are listed in the order they are checked: a query with several bad ones is refused for the first.

const dayParameters = {
  tz: Type.Optional(
    Type.String({ format: 'time-zone', description: 'IANA time zone that decides "today"; UTC when absent.' }),
  ),
  asOf: Type.Optional(
    Type.String({ format: 'calendar-day', description: 'The day D, YYYY-MM-DD; today in the time zone when absent.' }),
  ),
};

/** /ui-api/summary: the day D and, optionally, one reseller. */
export const SummaryQueryStringSchema = Type.Object({
  ...dayParameters,
  reseller: Type.Optional(Type.String({ description: 'Exact reseller name; every reseller when absent.' })),
});
export type SummaryQueryString = Static<typeof SummaryQueryStringSchema>;

const viewParameters = {
  view: Type.Optional(OneOf(VIEW_NAMES, { description: 'expired when absent.' })),
  dir: Type.Optional(OneOf(['asc', 'desc'] as const)),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: Math.max(...DASHBOARD_PAGE_SIZES) })),
  ...dayParameters,
  within: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: MAX_WITHIN_DAYS,
      description: 'Renewing view: renewal days from D through D + within (30 when absent).',
    }),
  ),
  q: Type.Optional(Type.String({ description: 'Case-insensitive substring of company or reseller name.' })),
  reseller: SummaryQueryStringSchema.properties.reseller,
  sort: Type.Optional(OneOf(SORT_KEYS, { description: "The view's own order when absent." })),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })),
  month: Type.Optional(
    Type.String({
      format: 'chart-month',
      description: `Renewal month YYYY-MM, or ${OLDER_MONTHS}: before the chart's first month (a chart bar).`,
    }),
  ),
  age: Type.Optional(OneOf(AGEING_BUCKET_IDS, { description: 'Days overdue or days left (an ageing bucket).' })),
};

/** /ui-api/companies: one view, its day, its filter, its order and one page of it. */
export const ViewQueryStringSchema = Type.Object(viewParameters);
export type ViewQueryString = Static<typeof ViewQueryStringSchema>;

/** /ui-api/export: every row of a view under its filter and order, as a file; page and pageSize are ignored. */
export const DownloadQueryStringSchema = Type.Object({ format: DownloadFormatSchema, ...viewParameters });
export type DownloadQueryString = Static<typeof DownloadQueryStringSchema>;

/** What a view's query string means once the defaults are filled in. */
export interface ViewQuery {
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
  /** Renewal month `YYYY-MM`, or `older`; empty means every month. */
  month: string;
  /** An ageing bucket; empty means none. */
  age: AgeingBucketId | '';
  sort: SortKey;
  ascending: boolean;
  /** No sort was named: the rows keep the listing's own order, the CLI's (`sort` and `ascending` name it). */
  isListingOrder: boolean;
  page: number;
  pageSize: number;
}

// Answers.

/** One table row: the fields a reseller reads, with the day arithmetic already done. */
export const CompanyRowSchema = Type.Object({
  companyResourceId: Type.String(),
  companyName: Type.String(),
  resellerName: Nullable(Type.String()),
  licenseTypeName: Nullable(Type.String()),
  renewalDay: Nullable(
    Type.String({ description: 'UTC calendar day of licenseEndDate (contract §4); null for an open-ended licence.' }),
  ),
  daysFromAsOf: Nullable(Type.Integer({ description: 'Renewal day minus D: negative when overdue.' })),
  targetUserCount: Type.Integer(),
  licenceLimit: Nullable(Type.Number({ description: 'The licence limit; null when not limited.' })),
  overBy: Nullable(Type.Number({ description: 'Target users over the limit, when over it.' })),
});
export type CompanyRow = Static<typeof CompanyRowSchema>;

const listingInfoFields = {
  asOf: Type.String(),
  timeZone: Type.String(),
  strategy: Type.Object(
    { name: Type.String(), reason: Type.String() },
    { description: 'How the SDK found the rows (server filter, ordered scan, full scan) and why.' },
  ),
  warnings: Type.Array(Type.String()),
  fetchedAt: Type.String({ description: 'When the listing was fetched from the API (ISO-8601).' }),
};
export const ListingInfoSchema = Type.Object(listingInfoFields);
export type ListingInfo = Static<typeof ListingInfoSchema>;

export const CompanyPageSchema = Type.Object({
  ...listingInfoFields,
  view: ViewNameSchema,
  sort: OneOf(SORT_KEYS, { description: "The order applied (the view's own when the query named none)." }),
  ascending: Type.Boolean(),
  rows: Type.Array(CompanyRowSchema),
  total: Type.Integer({ description: 'Rows matching the filter, across all pages.' }),
  viewTotal: Type.Integer({ description: 'Rows in the view before the text and reseller filters.' }),
  resellerTotal: Type.Integer({
    description: "Rows in the view of the chosen reseller (every reseller's when none), before the other filters.",
  }),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  pageCount: Type.Integer(),
  resellers: Type.Array(Type.String(), { description: 'Every reseller name in the view, for the reseller filter.' }),
});
export type CompanyPage = Static<typeof CompanyPageSchema>;

export const MonthBarSchema = Type.Object({
  month: Type.String({ description: 'YYYY-MM' }),
  lapsed: Type.Integer({ description: 'Renewal days in this month before D.' }),
  upcoming: Type.Integer({ description: 'Renewal days in this month from D on.' }),
});
export type MonthBar = Static<typeof MonthBarSchema>;

export const AgeingCountSchema = Type.Object({ bucket: AgeingBucketIdSchema, count: Type.Integer() });
export type AgeingCount = Static<typeof AgeingCountSchema>;

export const DashboardSummarySchema = Type.Object({
  ...listingInfoFields,
  today: Type.String({ description: "Today in the time zone by lapse ui's clock: D is today when asOf equals it." }),
  expiredNow: Type.Integer(),
  expiredLast30Days: Type.Integer(),
  renewingNext30Days: Type.Integer(),
  renewingNext90Days: Type.Integer(),
  targetUsersAffected: Type.Integer({ description: 'Target users of the companies whose licence has expired.' }),
  overLimit: Type.Integer(),
  months: Type.Array(MonthBarSchema, {
    description: "The 12 months up to D's month (lapsed) and the 12 from D's month (coming up): 23 bars.",
  }),
  olderLapsed: Type.Integer({ description: "Expired with a renewal day before the chart's first month." }),
  ageing: Type.Array(AgeingCountSchema, { description: 'Companies per ageing bucket, in AGEING_BUCKETS order.' }),
});
export type DashboardSummary = Static<typeof DashboardSummarySchema>;

/** /ui-api/companies/{resourceId}: the company as the API's CompanyDto, and the companies above it. */
export const CompanyDetailSchema = Type.Object({
  company: CompanyDtoSchema,
  parents: Type.Array(Type.Object({ resourceId: Type.String(), name: Type.String() }), {
    description: "From the top of the credential's tree down to the company's own parent (contract §6: /my).",
  }),
});
export type CompanyDetail = Static<typeof CompanyDetailSchema>;

/** /ui-api/health: whether the API answers now, so the page can mark listings kept from before it stopped. */
export const ApiHealthSchema = Type.Object({
  checkedAt: Type.String({ description: 'When the API was last asked (ISO-8601).' }),
  isReachable: Type.Boolean(),
  failingSince: Nullable(Type.String({ description: 'The first failed check of the current run of failures.' })),
  detail: Nullable(Type.String()),
});
export type ApiHealth = Static<typeof ApiHealthSchema>;

export const DashboardSessionSchema = Type.Object({
  baseUrl: Type.String(),
  companyName: Nullable(Type.String()),
  role: Nullable(Type.String()),
  companyId: Nullable(
    Type.String({ description: 'contract §3: the customer the credential is scoped to, when one is configured.' }),
  ),
});
export type DashboardSession = Static<typeof DashboardSessionSchema>;

export const UiErrorKindSchema = OneOf(UI_ERROR_KINDS);
export type UiErrorKind = Static<typeof UiErrorKindSchema>;

/** A failure the reseller can act on: the page shows it as it is. */
export const UiErrorSchema = Type.Object({
  error: Type.Object({
    kind: UiErrorKindSchema,
    title: Type.String(),
    message: Type.String(),
    detail: Nullable(Type.String()),
  }),
});
export type UiError = Static<typeof UiErrorSchema>;

/** A refusal no page of this process causes: a route it does not have, a post from another origin. */
export const UiRefusalSchema = Type.Object({ error: Type.String() });
export type UiRefusal = Static<typeof UiRefusalSchema>;
