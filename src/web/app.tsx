// The dashboard: key figures, the renewals chart, and the three views of companies, each a page at a time from
// the `lapse ui` process. Every failure the reseller can act on replaces the content with what to do about it.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { CompanyPage, DashboardSession, DashboardSummary, SortKey, ViewName } from '../contract/index.js';
import {
  CompanyTable,
  ErrorPanel,
  FilterBar,
  type FilterValues,
  KeyFigures,
  Pager,
  RenewalsChart,
  type ViewTab,
  ViewTabs,
} from './components/index.js';
import { formatNumber, formatTime } from './format.js';
import { getJson, postRefresh, UiRequestError, type ViewState, viewParams } from './ui-client.js';

const SEARCH_DELAY_MS = 250;

const VIEW_TITLES: Record<ViewName, string> = {
  expired: 'Expired',
  renewing: 'Renewing',
  'over-limit': 'Over licence limit',
};

function listTimeZones(): string[] {
  const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
  return [...new Set(['UTC', local, ...Intl.supportedValuesOf('timeZone')])];
}

function asRequestError(error: unknown): UiRequestError {
  return error instanceof UiRequestError
    ? error
    : new UiRequestError(
        'server',
        'Something went wrong',
        error instanceof Error ? error.message : String(error),
        null,
      );
}

/** Runs `load` whenever `deps` change; a newer run aborts the older one, so a slow answer never wins. */
function useLoad(load: (signal: AbortSignal) => Promise<void>, deps: unknown[]) {
  useEffect(() => {
    const controller = new AbortController();
    load(controller.signal).catch(() => undefined);
    return () => controller.abort();
  }, deps);
}

function countFor(
  view: ViewName,
  summary: DashboardSummary | undefined,
  page: CompanyPage | undefined,
  withinDays: number,
) {
  if (page?.view === view) return page.viewTotal;
  if (summary === undefined) return undefined;
  if (view === 'expired') return summary.expiredNow;
  if (view === 'over-limit') return summary.overLimit;
  return withinDays === 30 ? summary.renewingNext30Days : withinDays === 90 ? summary.renewingNext90Days : undefined;
}

export function App() {
  const [values, setValues] = useState<FilterValues>({
    view: 'expired',
    searchText: '',
    reseller: '',
    withinDays: 30,
    timeZone: 'UTC',
    asOf: '',
  });
  const [search, setSearch] = useState('');
  const [orders, setOrders] = useState<Partial<Record<ViewName, { sort: SortKey; ascending: boolean }>>>({});
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(50);
  const [reloads, setReloads] = useState(0);
  const [session, setSession] = useState<DashboardSession>();
  const [summary, setSummary] = useState<DashboardSummary>();
  const [companies, setCompanies] = useState<CompanyPage>();
  const [isLoadingRows, setLoadingRows] = useState(true);
  const [error, setError] = useState<UiRequestError>();
  const timeZones = useMemo(listTimeZones, []);

  useEffect(() => {
    const timer = setTimeout(() => {
      setSearch(values.searchText.trim());
      setPage(1);
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [values.searchText]);

  const state: ViewState = {
    view: values.view,
    timeZone: values.timeZone,
    asOf: values.asOf,
    withinDays: values.withinDays,
    search,
    reseller: values.reseller,
    page,
    pageSize,
    ...orders[values.view],
  };
  const params = viewParams(state);

  useLoad(
    async (signal) => {
      setSession(await getJson<DashboardSession>('/ui-api/session', new URLSearchParams(), signal));
    },
    [reloads],
  );

  useLoad(
    async (signal) => {
      setSummary(undefined);
      const dayParams = new URLSearchParams({ tz: values.timeZone, asOf: values.asOf, reseller: values.reseller });
      try {
        setSummary(await getJson<DashboardSummary>('/ui-api/summary', dayParams, signal));
      } catch (failure) {
        if (!signal.aborted) setError(asRequestError(failure));
      }
    },
    [values.timeZone, values.asOf, values.reseller, reloads],
  );

  useLoad(
    async (signal) => {
      setLoadingRows(true);
      try {
        setCompanies(await getJson<CompanyPage>('/ui-api/companies', params, signal));
        setLoadingRows(false);
      } catch (failure) {
        if (signal.aborted) return;
        setLoadingRows(false);
        setError(asRequestError(failure));
      }
    },
    [params.toString(), reloads],
  );

  const change = (next: Partial<FilterValues>) => {
    setValues((current) => ({ ...current, ...next }));
    if (next.searchText === undefined) setPage(1);
  };
  const reload = async (dropListings: boolean) => {
    if (dropListings) await postRefresh();
    setError(undefined);
    setReloads((count) => count + 1);
  };

  const tabs: ViewTab[] = (['expired', 'renewing', 'over-limit'] as const).map((view) => ({
    view,
    title: VIEW_TITLES[view],
    count: countFor(view, summary, companies, values.withinDays),
  }));
  const shown = companies?.view === values.view ? companies : undefined;
  const exportParams = new URLSearchParams(params);
  exportParams.delete('page');
  exportParams.delete('pageSize');

  return (
    <div class="shell">
      <header class="top-bar">
        <div class="brand">
          <span class="brand-mark" aria-hidden="true">
            L
          </span>
          <div>
            <h1>Licence renewals</h1>
            <p class="brand-sub">
              {session?.companyName ?? 'lapse'}
              {session?.role ? ` · ${session.role}` : ''}
              {session?.companyId ? ` · scoped to ${session.companyId}` : ''}
            </p>
          </div>
        </div>
        <div class="top-actions">
          {summary && !error && (
            <span class="freshness">
              As of <strong>{summary.asOf}</strong> ({summary.timeZone}) · data from {formatTime(summary.fetchedAt)}
            </span>
          )}
          <button type="button" class="button" onClick={() => reload(true)}>
            ↻ Refresh
          </button>
        </div>
      </header>

      <main class="content">
        {error ? (
          <ErrorPanel error={error} onRetry={() => reload(false)} />
        ) : (
          <>
            <KeyFigures summary={summary} />
            <RenewalsChart months={summary?.months} asOf={summary?.asOf} />
            <section class="card view-card">
              <ViewTabs tabs={tabs} selected={values.view} onSelect={(view) => change({ view })} />
              <div id="view-panel" role="tabpanel" aria-labelledby={`tab-${values.view}`}>
                <FilterBar
                  values={values}
                  resellers={shown?.resellers ?? []}
                  timeZones={timeZones}
                  resolvedAsOf={summary?.asOf}
                  exportParams={exportParams.toString()}
                  onChange={change}
                />
                <div class="table-status" aria-live="polite">
                  {isLoadingRows ? (
                    <span class="loading">
                      <span class="spinner" aria-hidden="true" /> Loading companies…
                    </span>
                  ) : shown ? (
                    <span data-total={shown.total}>
                      <strong>{formatNumber(shown.total)}</strong> {shown.total === 1 ? 'company' : 'companies'}
                      {shown.total !== shown.viewTotal && ` of ${formatNumber(shown.viewTotal)}`}
                    </span>
                  ) : null}
                </div>
                {shown && (
                  <CompanyTable
                    view={shown.view}
                    rows={shown.rows}
                    sort={shown.sort}
                    ascending={shown.ascending}
                    isLoading={isLoadingRows}
                    onSort={(sort, ascending) => {
                      setOrders((current) => ({ ...current, [values.view]: { sort, ascending } }));
                      setPage(1);
                    }}
                  />
                )}
                {shown && shown.total === 0 && !isLoadingRows && (
                  <p class="empty">
                    No companies match.{' '}
                    {search !== '' || values.reseller !== '' ? 'Try clearing the search or reseller.' : ''}
                  </p>
                )}
                {!shown && isLoadingRows && <div class="table-skeleton" aria-hidden="true" />}
                {shown && (
                  <Pager
                    page={shown.page}
                    pageCount={shown.pageCount}
                    pageSize={shown.pageSize}
                    total={shown.total}
                    onPage={setPage}
                    onPageSize={(size) => {
                      setPageSize(size);
                      setPage(1);
                    }}
                  />
                )}
                {shown && (
                  <p class="method-note">
                    Found by {shown.strategy.name}: {shown.strategy.reason}
                    {shown.warnings.length > 0 && ` · ${shown.warnings.join(' · ')}`}
                  </p>
                )}
              </div>
            </section>
          </>
        )}
      </main>
    </div>
  );
}
