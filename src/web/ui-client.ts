// The page's only way out: JSON GETs to the `lapse ui` process that served it (never to the API itself).
import type { UiError, UiErrorKind, ViewQuery } from '../contract/index.js';

/** The local process is gone (closed, or the network dropped): not an API failure. */
export type RequestErrorKind = UiErrorKind | 'offline';

export class UiRequestError extends Error {
  constructor(
    readonly kind: RequestErrorKind,
    readonly title: string,
    message: string,
    readonly detail: string | null,
  ) {
    super(message);
  }
}

/** What the page holds about a view; sort and direction are absent until the user picks a column. */
export type ViewState = Omit<ViewQuery, 'sort' | 'ascending' | 'isListingOrder'> &
  Partial<Pick<ViewQuery, 'sort' | 'ascending'>>;

/** The query string for a view; the same one drives a page of rows and the download of all of them. */
export function viewParams(state: ViewState): URLSearchParams {
  const params = new URLSearchParams({
    view: state.view,
    tz: state.timeZone,
    asOf: state.asOf,
    within: String(state.withinDays),
    q: state.search,
    reseller: state.reseller,
    month: state.month,
    age: state.age,
    licenceType: state.licenceType,
    state: state.state,
    page: String(state.page),
    pageSize: String(state.pageSize),
  });
  if (state.sort !== undefined) params.set('sort', state.sort);
  if (state.ascending !== undefined) params.set('dir', state.ascending ? 'asc' : 'desc');
  return params;
}

/** What tells lapse ui a request comes from this page: a page on another site cannot send it (no CORS). */
const DASHBOARD_HEADERS = { 'x-lapse-dashboard': '1' };

function isUiError(body: unknown): body is UiError {
  return typeof body === 'object' && body !== null && typeof (body as UiError).error?.kind === 'string';
}

export function getJson<T>(path: string, params: URLSearchParams, signal?: AbortSignal): Promise<T> {
  return requestJson<T>(`${path}?${params}`, { headers: { accept: 'application/json', ...DASHBOARD_HEADERS }, signal });
}

/** A write the page asks for (the Renew action); lapse ui reads no bodies, so its values go in the query string. */
export function postJson<T>(path: string, params: URLSearchParams): Promise<T> {
  return requestJson<T>(`${path}?${params}`, {
    method: 'POST',
    headers: { accept: 'application/json', ...DASHBOARD_HEADERS },
  });
}

async function requestJson<T>(url: string, init: RequestInit): Promise<T> {
  const { signal } = init;
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new UiRequestError(
      'offline',
      'lapse ui is not running',
      'The page lost its connection to the lapse ui process. Start it again with lapse ui, then reload this page.',
      error instanceof Error ? error.message : null,
    );
  }
  const body: unknown = await response.json().catch(() => null);
  if (response.ok) return body as T;
  if (isUiError(body)) {
    const { kind, title, message, detail } = body.error;
    throw new UiRequestError(kind, title, message, detail);
  }
  throw new UiRequestError('server', 'Something went wrong', `lapse ui answered HTTP ${response.status}.`, null);
}

/** The roll-up's query: the day, the window and the filters it counts under. */
export function rollUpParams(
  state: Pick<ViewState, 'timeZone' | 'asOf' | 'withinDays' | 'reseller' | 'licenceType' | 'state'> & {
    groupBy: string;
  },
): URLSearchParams {
  return new URLSearchParams({
    groupBy: state.groupBy,
    tz: state.timeZone,
    asOf: state.asOf,
    within: String(state.withinDays),
    reseller: state.reseller,
    licenceType: state.licenceType,
    state: state.state,
  });
}

export async function postRefresh(): Promise<void> {
  await fetch('/ui-api/refresh', { method: 'POST', headers: DASHBOARD_HEADERS });
}
