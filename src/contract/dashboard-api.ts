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
  ROLL_UP_KEYS,
  SINCE_CHOICES,
  SORT_KEYS,
  UI_ERROR_KINDS,
  VIEW_NAMES,
} from './dashboard-choices.js';
import { LIFECYCLE_STATES, type LifecycleState } from './lifecycle.js';

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

export const LifecycleStateSchema = OneOf(LIFECYCLE_STATES, {
  description: "lapse's own lifecycle state under the policy (not the vendor's licenceExpired).",
});

export const RollUpKeySchema = OneOf(ROLL_UP_KEYS);
export type RollUpKey = Static<typeof RollUpKeySchema>;

/** The string formats the query schemas name, for the validator that checks them. */
export const DASHBOARD_QUERY_FORMATS = {
  'time-zone': isValidTimeZone,
  'calendar-day': (text: string) => parseDay(text) !== undefined,
  'chart-month': (text: string) => text === OLDER_MONTHS || /^\d{4}-(0[1-9]|1[0-2])$/.test(text),
  since: (text: string) =>
    (SINCE_CHOICES as readonly string[]).includes(text) || /^\d{1,5}d$/.test(text) || parseDay(text) !== undefined,
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

/** The segment a roll-up row drills down to, beside the reseller. */
const segmentParameters = {
  licenceType: Type.Optional(Type.String({ description: 'Exact licence type name; every type when absent.' })),
  state: Type.Optional(LifecycleStateSchema),
};

/** /ui-api/companies/{resourceId}: the day its lifecycle state is read on. */
export const DetailQueryStringSchema = Type.Object(dayParameters);
export type DetailQueryString = Static<typeof DetailQueryStringSchema>;

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
  ...segmentParameters,
};

/** /ui-api/companies: one view, its day, its filter, its order and one page of it. */
export const ViewQueryStringSchema = Type.Object(viewParameters);
export type ViewQueryString = Static<typeof ViewQueryStringSchema>;

/** /ui-api/export: every row of a view under its filter and order, as a file; page and pageSize are ignored. */
export const DownloadQueryStringSchema = Type.Object({ format: DownloadFormatSchema, ...viewParameters });
export type DownloadQueryString = Static<typeof DownloadQueryStringSchema>;

/** /ui-api/roll-up: totals per group of what needs attention on D, under the reseller and segment chosen. */
export const RollUpQueryStringSchema = Type.Object({
  groupBy: Type.Optional(OneOf(ROLL_UP_KEYS, { description: 'reseller when absent.' })),
  ...dayParameters,
  within: viewParameters.within,
  reseller: SummaryQueryStringSchema.properties.reseller,
  ...segmentParameters,
});
export type RollUpQueryString = Static<typeof RollUpQueryStringSchema>;

/** /ui-api/changes: what changed since a snapshot of the history, read on D. */
export const ChangesQueryStringSchema = Type.Object({
  since: Type.Optional(
    Type.String({
      format: 'since',
      description: 'last (when absent), a number of days such as 7d, or a YYYY-MM-DD day.',
    }),
  ),
  ...dayParameters,
  within: viewParameters.within,
});
export type ChangesQueryString = Static<typeof ChangesQueryStringSchema>;

/** POST /ui-api/snapshot: the day the snapshot is recorded as. */
export const SnapshotQueryStringSchema = Type.Object(dayParameters);
export type SnapshotQueryString = Static<typeof SnapshotQueryStringSchema>;

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
  /** Exact licence type name; empty means every type. */
  licenceType: string;
  /** One lifecycle state; empty means every state. */
  state: LifecycleState | '';
  sort: SortKey;
  ascending: boolean;
  /** No sort was named: the rows keep the listing's own order, the CLI's (`sort` and `ascending` name it). */
  isListingOrder: boolean;
  page: number;
  pageSize: number;
}

// Answers.

const LifecycleSchema = Type.Object(
  {
    state: LifecycleStateSchema,
    nextChange: Nullable(Type.String({ description: 'The first day the state is another one; null: never by time.' })),
    nextState: Nullable(LifecycleStateSchema),
  },
  { description: "lapse's lifecycle on D under the policy `lapse ui` was started with." },
);
export type RowLifecycle = Static<typeof LifecycleSchema>;

/** A company whose notices were silenced with `lapse ack`, as the history keeps it. */
const AcknowledgementSchema = Nullable(
  Type.Object({
    until: Nullable(Type.String({ description: 'Last day silenced; null: until its renewal date moves.' })),
    note: Nullable(Type.String()),
    by: Type.String(),
    at: Type.String({ description: 'When it was acknowledged (ISO-8601).' }),
  }),
);
export type RowAcknowledgement = NonNullable<Static<typeof AcknowledgementSchema>>;

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
  lifecycle: LifecycleSchema,
  acknowledgement: AcknowledgementSchema,
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
  licenceTypes: Type.Array(Type.String(), { description: 'Every licence type name in the view, for its filter.' }),
  acknowledgementsProblem: Nullable(
    Type.String({ description: 'Why no acknowledged marks are shown: the history file cannot be read.' }),
  ),
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
  asOf: Type.String({ description: 'The day the lifecycle is read on.' }),
  lifecycle: LifecycleSchema,
  acknowledgement: AcknowledgementSchema,
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

const LeadDays = () => Type.Unsafe<readonly number[]>(Type.Array(Type.Integer()));

export const DashboardSessionSchema = Type.Object({
  baseUrl: Type.String(),
  policy: Type.Object(
    {
      graceDays: Type.Integer(),
      leadDays: LeadDays(),
      licenceTypes: Type.Record(
        Type.String(),
        Type.Object({
          graceDays: Type.Optional(Type.Integer()),
          leadDays: Type.Optional(LeadDays()),
        }),
      ),
    },
    { description: 'The lifecycle policy the states are judged by (--policy, LAPSE_POLICY, the config).' },
  ),
  companyName: Nullable(Type.String()),
  role: Nullable(Type.String()),
  companyId: Nullable(
    Type.String({ description: 'contract §3: the customer the credential is scoped to, when one is configured.' }),
  ),
});
export type DashboardSession = Static<typeof DashboardSessionSchema>;

const RollUpTotalsFields = {
  companies: Type.Integer({ description: 'Companies expired, renewing within the window or over the limit.' }),
  expired: Type.Integer(),
  renewing: Type.Integer(),
  overLimit: Type.Integer(),
  seatsAffected: Type.Integer({ description: 'Target users of those companies, each company once.' }),
};

export const RollUpRowSchema = Type.Object({
  name: Type.String(),
  /** The filter value that drills down to the group; null when no filter names it (no reseller). */
  key: Nullable(Type.String({ description: 'The value of the filter that lists the group; null: none does.' })),
  ...RollUpTotalsFields,
});
export type RollUpRow = Static<typeof RollUpRowSchema>;

export const DashboardRollUpSchema = Type.Object({
  ...listingInfoFields,
  groupBy: RollUpKeySchema,
  withinDays: Type.Integer(),
  groups: Type.Array(RollUpRowSchema),
  total: Type.Object(RollUpTotalsFields),
});
export type DashboardRollUp = Static<typeof DashboardRollUpSchema>;

const SnapshotSchema = Type.Object({
  id: Type.Integer(),
  takenAt: Type.String(),
  asOf: Type.String(),
  timeZone: Type.String(),
  view: Type.String(),
  companyCount: Type.Integer(),
});
export type SnapshotInfo = Static<typeof SnapshotSchema>;

const ChangeFactsSchema = Nullable(
  Type.Object({
    renewalDay: Nullable(Type.String()),
    licenceType: Nullable(Type.String()),
    userLimit: Nullable(Type.Number()),
    targetUserCount: Type.Number(),
  }),
);

export const ChangeRowSchema = Type.Object({
  kind: Type.String({ description: 'newly-expired, renewed, newly-renewing, … (lapse changes).' }),
  companyResourceId: Type.String(),
  companyName: Type.String(),
  resellerName: Nullable(Type.String()),
  before: ChangeFactsSchema,
  after: ChangeFactsSchema,
  renewedByDays: Nullable(Type.Integer()),
  lifecycle: Nullable(LifecycleSchema),
  acknowledgement: AcknowledgementSchema,
});
export type ChangeRow = Static<typeof ChangeRowSchema>;

export const DashboardChangesSchema = Type.Object({
  historyPath: Type.String(),
  snapshotCount: Type.Integer(),
  asOf: Type.String(),
  timeZone: Type.String(),
  withinDays: Type.Integer(),
  /** null: the history holds no snapshot to compare with yet. */
  since: Nullable(SnapshotSchema),
  companyCount: Type.Integer(),
  counts: Type.Array(Type.Object({ kind: Type.String(), count: Type.Integer() }), {
    description: 'Changes per kind, in the order lapse changes lists them, kinds without changes included.',
  }),
  changes: Type.Array(ChangeRowSchema),
  warnings: Type.Array(Type.String()),
});
export type DashboardChanges = Static<typeof DashboardChangesSchema>;

export const RecordedSnapshotSchema = Type.Object({
  ...SnapshotSchema.properties,
  added: Type.Integer(),
  changed: Type.Integer(),
  removed: Type.Integer(),
});
export type RecordedSnapshotInfo = Static<typeof RecordedSnapshotSchema>;

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
