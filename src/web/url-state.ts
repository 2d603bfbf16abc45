// What the page shows, read from and written to its own address, so a reload, a bookmark or Back brings the same
// view, filters, order and page again. Defaults are left out of the address.
import {
  AGEING_BUCKET_IDS,
  type AgeingBucketId,
  DASHBOARD_PAGE_SIZES,
  LIFECYCLE_STATES,
  type LifecycleState,
  ROLL_UP_KEYS,
  type RollUpKey,
  SORT_KEYS,
  type SortKey,
  VIEW_NAMES,
  type ViewName,
} from '../contract/index.js';

/** The company views, and the Changes view of the history. */
export type PageView = ViewName | 'changes';

export interface PageState {
  view: PageView;
  search: string;
  reseller: string;
  withinDays: number;
  timeZone: string;
  /** Empty: today in the time zone. */
  asOf: string;
  /** A chart bar: `YYYY-MM` or `older`; empty: every month. */
  month: string;
  age: AgeingBucketId | '';
  /** Exact licence type name; empty: every type. */
  licenceType: string;
  /** One lifecycle state; empty: every state. */
  state: LifecycleState | '';
  /** What the roll-up table groups by. */
  groupBy: RollUpKey;
  /** Changes view: `last`, `7d`, `30d` or a YYYY-MM-DD day. */
  since: string;
  /** Absent: the view's own order (the CLI's). */
  sort?: SortKey | undefined;
  ascending?: boolean | undefined;
  page: number;
  pageSize: number;
  /** The company open in the detail drawer; empty: none. */
  company: string;
}

export const DEFAULT_STATE: PageState = {
  view: 'expired',
  search: '',
  reseller: '',
  withinDays: 30,
  timeZone: 'UTC',
  asOf: '',
  month: '',
  age: '',
  licenceType: '',
  state: '',
  groupBy: 'reseller',
  since: 'last',
  page: 1,
  pageSize: 50,
  company: '',
};

const oneOf = <T extends string>(values: readonly T[], text: string | null): T | undefined =>
  values.find((value) => value === text);

function wholeNumber(text: string | null, min: number): number | undefined {
  const value = Number(text ?? '');
  return text !== null && Number.isInteger(value) && value >= min ? value : undefined;
}

/** The state an address names; a value the page would never write falls back to its default. */
export function readState(search: string): PageState {
  const params = new URLSearchParams(search);
  const text = (name: string) => params.get(name) ?? '';
  const dir = params.get('dir');
  const pageSize = wholeNumber(params.get('pageSize'), 1);
  return {
    view: oneOf<PageView>([...VIEW_NAMES, 'changes'], params.get('view')) ?? DEFAULT_STATE.view,
    search: text('q'),
    reseller: text('reseller'),
    withinDays: wholeNumber(params.get('within'), 0) ?? DEFAULT_STATE.withinDays,
    timeZone: params.get('tz') || DEFAULT_STATE.timeZone,
    asOf: text('asOf'),
    month: text('month'),
    age: oneOf(AGEING_BUCKET_IDS, params.get('age')) ?? '',
    licenceType: text('licenceType'),
    state: oneOf(LIFECYCLE_STATES, params.get('state')) ?? '',
    groupBy: oneOf(ROLL_UP_KEYS, params.get('groupBy')) ?? DEFAULT_STATE.groupBy,
    since: params.get('since') || DEFAULT_STATE.since,
    sort: oneOf(SORT_KEYS, params.get('sort')),
    ascending: dir === 'asc' ? true : dir === 'desc' ? false : undefined,
    page: wholeNumber(params.get('page'), 1) ?? DEFAULT_STATE.page,
    pageSize: DASHBOARD_PAGE_SIZES.find((size) => size === pageSize) ?? DEFAULT_STATE.pageSize,
    company: text('company'),
  };
}

/** The address's query string for a state (`?…`, or empty when everything is default). */
export function writeState(state: PageState): string {
  const params = new URLSearchParams();
  const put = (name: string, value: string | number | undefined, fallback: string | number | undefined) => {
    if (value !== undefined && value !== fallback) params.set(name, String(value));
  };
  put('view', state.view, DEFAULT_STATE.view);
  put('q', state.search, '');
  put('reseller', state.reseller, '');
  if (state.view === 'renewing') put('within', state.withinDays, DEFAULT_STATE.withinDays);
  put('tz', state.timeZone, DEFAULT_STATE.timeZone);
  put('asOf', state.asOf, '');
  put('month', state.month, '');
  put('age', state.age, '');
  put('licenceType', state.licenceType, '');
  put('state', state.state, '');
  put('groupBy', state.groupBy, DEFAULT_STATE.groupBy);
  if (state.view === 'changes') put('since', state.since, DEFAULT_STATE.since);
  put('sort', state.sort, undefined);
  if (state.ascending !== undefined) params.set('dir', state.ascending ? 'asc' : 'desc');
  put('page', state.page, DEFAULT_STATE.page);
  put('pageSize', state.pageSize, DEFAULT_STATE.pageSize);
  put('company', state.company, '');
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}
