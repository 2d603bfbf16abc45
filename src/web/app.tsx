// The dashboard: key figures, the renewals chart, the ageing buckets, and the three views of companies, each a page
// at a time from the `lapse ui` process, with one company's details beside them. What is shown lives in the
// address (url-state.ts). Every failure the reseller can act on replaces the content with what to do about it.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  AGEING_BUCKETS,
  type ApiHealth,
  type CompanyDetail,
  type CompanyPage,
  type DashboardChanges,
  type DashboardRollUp,
  type DashboardSession,
  type DashboardSummary,
  daysBetween,
  LIFECYCLE_STATES,
  lastDayOfMonth,
  OLDER_MONTHS,
  type RecordedSnapshotInfo,
  type ViewName,
} from '../contract/index.js';
import {
  AgeingBuckets,
  ChangesView,
  type ChartView,
  CompanyDrawer,
  CompanyTable,
  type Drill,
  ErrorPanel,
  FilterBar,
  type FilterValues,
  KeyFigures,
  Pager,
  RenewalsChart,
  RollUpTable,
  StateLegend,
  type ViewTab,
  ViewTabs,
} from './components/index.js';
import { formatAge, formatDay, formatDaysIn, formatMonthLong, formatNumber, formatTime } from './format.js';
import { getJson, postJson, postRefresh, rollUpParams, UiRequestError, viewParams } from './ui-client.js';
import { type PageState, type PageView, readState, writeState } from './url-state.js';

const SEARCH_DELAY_MS = 250;
/** How often the page asks whether the API still answers, and how old a listing may be before a page asks too. */
const HEALTH_INTERVAL_MS = 15_000;
const CHECK_AFTER_AGE_MS = 10_000;
/** How often the age of the data on screen is written anew. */
const AGE_TICK_MS = 20_000;

const VIEW_TITLES: Record<PageView, string> = {
  expired: 'Expired',
  renewing: 'Renewing',
  'over-limit': 'Over licence limit',
  changes: 'Changes',
};

/** The filter of the list each roll-up grouping drills down to. */
const DRILL_FILTERS = { reseller: 'reseller', 'licence-type': 'licenceType', state: 'state' } as const;

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

/**
 * A tab's count: the shown view's own total for the chosen reseller, else the key figure for the same reseller,
 * so a tab and the figure above it never disagree.
 */
function countFor(
  view: PageView,
  summary: DashboardSummary | undefined,
  page: CompanyPage | undefined,
  within: number,
) {
  if (page?.view === view) return page.resellerTotal;
  if (summary === undefined || view === 'changes') return undefined;
  if (view === 'expired') return summary.expiredNow;
  if (view === 'over-limit') return summary.overLimit;
  return within === 30 ? summary.renewingNext30Days : within === 90 ? summary.renewingNext90Days : undefined;
}

/** What the chart bar or the ageing bucket narrowing the rows is called. */
function rangeLabelOf(state: PageState, summary: DashboardSummary | undefined): string | undefined {
  const bucket = AGEING_BUCKETS.find((candidate) => candidate.id === state.age);
  const parts = [
    ...(state.month === OLDER_MONTHS
      ? [`Renewal before ${summary?.months[0] ? formatMonthLong(summary.months[0].month) : 'the chart'}`]
      : state.month !== ''
        ? [`Renewal month ${formatMonthLong(state.month)}`]
        : []),
    ...(bucket ? [`${bucket.view === 'expired' ? 'Overdue' : 'Due in'} ${bucket.label}`] : []),
  ];
  return parts.length === 0 ? undefined : parts.join(' · ');
}

function useHealth(): [ApiHealth | undefined, () => void] {
  const [health, setHealth] = useState<ApiHealth>();
  const running = useRef(false);
  const check = () => {
    if (running.current) return;
    running.current = true;
    getJson<ApiHealth>('/ui-api/health', new URLSearchParams())
      .then(setHealth, () => undefined)
      .finally(() => {
        running.current = false;
      });
  };
  useEffect(() => {
    const timer = setInterval(check, HEALTH_INTERVAL_MS);
    return () => clearInterval(timer);
  }, []);
  return [health, check];
}

function useClock(intervalMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function App() {
  const [state, setState] = useState<PageState>(() => readState(location.search));
  const current = useRef(state);
  current.current = state;
  const [searchText, setSearchText] = useState(state.search);
  const [reloads, setReloads] = useState(0);
  const [session, setSession] = useState<DashboardSession>();
  const [summary, setSummary] = useState<DashboardSummary>();
  const [companies, setCompanies] = useState<CompanyPage>();
  const [rollUp, setRollUp] = useState<DashboardRollUp>();
  const [changes, setChanges] = useState<DashboardChanges>();
  const [changesError, setChangesError] = useState<UiRequestError>();
  const [isRecording, setRecording] = useState(false);
  const [recordedNote, setRecordedNote] = useState<string>();
  const [detail, setDetail] = useState<CompanyDetail>();
  const [detailError, setDetailError] = useState<UiRequestError>();
  const [isLoadingRows, setLoadingRows] = useState(true);
  const [error, setError] = useState<UiRequestError>();
  const [health, checkHealth] = useHealth();
  const now = useClock(AGE_TICK_MS);
  const timeZones = useMemo(listTimeZones, []);

  /** Shows another state and records it in the address: a new history entry, so Back returns to this one. */
  const navigate = (change: Partial<PageState>) => {
    const next = { ...current.current, ...change };
    current.current = next;
    setState(next);
    const search = writeState(next);
    if (search !== location.search) history.pushState(null, '', `${location.pathname}${search}`);
  };
  /** A new filter or order starts again at page 1. */
  const refilter = (change: Partial<PageState>) => navigate({ ...change, page: 1 });

  useEffect(() => {
    const restore = () => {
      const next = readState(location.search);
      current.current = next;
      setState(next);
      setSearchText(next.search);
    };
    window.addEventListener('popstate', restore);
    return () => window.removeEventListener('popstate', restore);
  }, []);

  useEffect(() => {
    const timer = setTimeout(() => {
      const search = searchText.trim();
      if (search !== current.current.search) refilter({ search });
    }, SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [searchText]);

  const isChanges = state.view === 'changes';
  /** The company view shown, or the one the Changes tab was opened from. */
  const tableView: ViewName = state.view === 'changes' ? (companies?.view ?? 'expired') : state.view;
  const params = viewParams({ ...state, view: tableView });
  const dayParams = new URLSearchParams({ tz: state.timeZone, asOf: state.asOf });

  useLoad(
    async (signal) => {
      setSession(await getJson<DashboardSession>('/ui-api/session', new URLSearchParams(), signal));
    },
    [reloads],
  );

  useLoad(
    async (signal) => {
      setSummary(undefined);
      const dayParams = new URLSearchParams({ tz: state.timeZone, asOf: state.asOf, reseller: state.reseller });
      try {
        setSummary(await getJson<DashboardSummary>('/ui-api/summary', dayParams, signal));
      } catch (failure) {
        if (!signal.aborted) setError(asRequestError(failure));
      }
    },
    [state.timeZone, state.asOf, state.reseller, reloads],
  );

  useLoad(
    async (signal) => {
      if (isChanges) return;
      setLoadingRows(true);
      try {
        const page = await getJson<CompanyPage>('/ui-api/companies', params, signal);
        setCompanies(page);
        setLoadingRows(false);
        // A listing kept from a while ago: make sure the API still answers, or mark it stale.
        if (Date.now() - Date.parse(page.fetchedAt) > CHECK_AFTER_AGE_MS) checkHealth();
      } catch (failure) {
        if (signal.aborted) return;
        setLoadingRows(false);
        setError(asRequestError(failure));
      }
    },
    [params.toString(), isChanges, reloads],
  );

  useLoad(
    async (signal) => {
      if (isChanges) return;
      try {
        setRollUp(await getJson<DashboardRollUp>('/ui-api/roll-up', rollUpParams(state), signal));
      } catch (failure) {
        if (!signal.aborted) setError(asRequestError(failure));
      }
    },
    [rollUpParams(state).toString(), isChanges, reloads],
  );

  useLoad(
    async (signal) => {
      if (!isChanges) return;
      setChanges(undefined);
      setChangesError(undefined);
      const changeParams = new URLSearchParams({ since: state.since, within: String(state.withinDays) });
      for (const [name, value] of dayParams) changeParams.set(name, value);
      try {
        setChanges(await getJson<DashboardChanges>('/ui-api/changes', changeParams, signal));
      } catch (failure) {
        if (!signal.aborted) setChangesError(asRequestError(failure));
      }
    },
    [isChanges, state.since, dayParams.toString(), state.withinDays, reloads],
  );

  useLoad(
    async (signal) => {
      setDetailError(undefined);
      if (state.company === '') return;
      try {
        const path = `/ui-api/companies/${encodeURIComponent(state.company)}`;
        setDetail(await getJson<CompanyDetail>(path, dayParams, signal));
      } catch (failure) {
        if (!signal.aborted) setDetailError(asRequestError(failure));
      }
    },
    [state.company, dayParams.toString(), reloads],
  );

  const reload = async (dropListings: boolean) => {
    if (dropListings) await postRefresh();
    setError(undefined);
    setReloads((count) => count + 1);
    checkHealth();
  };

  /** A chart bar: its month in Expired (lapsed) or Renewing (coming up, within reaching the month's end). */
  const selectMonth = (view: ChartView, month: string) => {
    if (state.view === view && state.month === month) return refilter({ month: '' });
    const asOf = summary?.asOf;
    const reach = view === 'renewing' && asOf !== undefined ? daysBetween(asOf, lastDayOfMonth(month)) : 0;
    refilter({
      view,
      month,
      age: '',
      withinDays: Math.max(state.withinDays, reach),
      ...(view !== state.view && { sort: undefined, ascending: undefined }),
    });
  };
  const selectBucket = (bucket: (typeof AGEING_BUCKETS)[number]) => {
    if (state.age === bucket.id) return refilter({ age: '' });
    refilter({
      view: bucket.view,
      age: bucket.id,
      month: '',
      withinDays: bucket.view === 'renewing' ? Math.max(state.withinDays, bucket.to) : state.withinDays,
      ...(bucket.view !== state.view && { sort: undefined, ascending: undefined }),
    });
  };

  /** A roll-up row: its group's filter on the list, in the view of the count chosen (or the one shown). */
  const drill = ({ groupBy, key, view }: Drill) => {
    const next = view ?? tableView;
    refilter({
      [DRILL_FILTERS[groupBy]]: key,
      view: next,
      month: '',
      age: '',
      ...(next !== state.view && { sort: undefined, ascending: undefined }),
    });
  };

  const recordSnapshot = async () => {
    setRecording(true);
    setRecordedNote(undefined);
    try {
      const recorded = await postJson<RecordedSnapshotInfo>('/ui-api/snapshot', dayParams);
      setRecordedNote(
        `Recorded snapshot ${recorded.id}: ${formatNumber(recorded.companyCount)} companies, ${formatNumber(recorded.added)} new, ${formatNumber(recorded.changed)} changed, ${formatNumber(recorded.removed)} gone.`,
      );
      setReloads((count) => count + 1);
    } catch (failure) {
      setChangesError(asRequestError(failure));
    } finally {
      setRecording(false);
    }
  };

  const tabs: ViewTab[] = (['expired', 'renewing', 'over-limit', 'changes'] as const).map((view) => ({
    view,
    title: VIEW_TITLES[view],
    count: view === 'changes' ? changes?.changes.length : countFor(view, summary, companies, state.withinDays),
  }));
  const shown = companies?.view === state.view ? companies : undefined;
  const exportParams = new URLSearchParams(params);
  exportParams.delete('page');
  exportParams.delete('pageSize');
  const filterValues: FilterValues = { ...state, view: tableView, searchText };
  const fetchedAt = shown?.fetchedAt ?? summary?.fetchedAt;
  const isStale = health !== undefined && !health.isReachable;

  return (
    <div class={state.company === '' ? 'shell' : 'shell has-drawer'}>
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
              As of <strong>{formatDay(summary.asOf)}</strong> ({summary.timeZone})
              {fetchedAt && (
                <>
                  {' · '}data from {formatTime(fetchedAt)},{' '}
                  <span data-age={fetchedAt}>{formatAge(fetchedAt, now)}</span>
                </>
              )}
            </span>
          )}
          {isStale && !error && (
            <span class="stale-mark" data-stale={health.failingSince ?? ''}>
              Stale
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
            {isStale && (
              <div class="stale-banner" role="status">
                <strong>The API stopped answering</strong>
                {health.failingSince && ` at ${formatTime(health.failingSince)}`}
                {session ? ` (${session.baseUrl})` : ''}. What you see was fetched
                {fetchedAt ? ` at ${formatTime(fetchedAt)}, ${formatAge(fetchedAt, now)},` : ''} and may be out of date.
                {health.detail && <span class="stale-detail"> {health.detail}</span>}
              </div>
            )}
            <KeyFigures summary={summary} />
            <RenewalsChart
              months={summary?.months}
              olderLapsed={summary?.olderLapsed}
              asOf={summary?.asOf}
              selected={{ view: state.view, month: state.month }}
              onSelect={selectMonth}
            />
            <AgeingBuckets ageing={summary?.ageing} selected={state.age} onSelect={selectBucket} />
            {!isChanges && (
              <RollUpTable
                rollUp={rollUp}
                groupBy={state.groupBy}
                selectedKey={state[DRILL_FILTERS[state.groupBy]]}
                onGroupBy={(groupBy) => navigate({ groupBy })}
                onDrill={drill}
              />
            )}
            <section class="card view-card">
              <ViewTabs
                tabs={tabs}
                selected={state.view}
                onSelect={(view) => refilter({ view, sort: undefined, ascending: undefined, month: '', age: '' })}
              />
              <div id="view-panel" role="tabpanel" aria-labelledby={`tab-${state.view}`}>
                {isChanges ? (
                  <ChangesView
                    changes={changes}
                    error={changesError}
                    isLoading={changes === undefined && changesError === undefined}
                    since={state.since}
                    isRecording={isRecording}
                    recordedNote={recordedNote}
                    onSince={(since) => navigate({ since })}
                    onRecord={recordSnapshot}
                    onOpen={(company) => navigate({ company })}
                  />
                ) : (
                  <>
                    <FilterBar
                      values={filterValues}
                      resellers={shown?.resellers ?? []}
                      licenceTypes={shown?.licenceTypes ?? []}
                      timeZones={timeZones}
                      resolvedAsOf={summary?.asOf}
                      exportParams={exportParams.toString()}
                      rangeLabel={rangeLabelOf(state, summary)}
                      onChange={({ searchText: text, ...change }) => {
                        if (text !== undefined) setSearchText(text);
                        if (Object.keys(change).length > 0) refilter(change);
                      }}
                      onClearRange={() => refilter({ month: '', age: '' })}
                    />
                    <StateLegend policy={session?.policy} states={LIFECYCLE_STATES} />
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
                        openCompany={state.company}
                        onSort={(sort, ascending) => refilter({ sort, ascending })}
                        onOpen={(company) => navigate({ company })}
                      />
                    )}
                    {shown && shown.total === 0 && !isLoadingRows && (
                      <p class="empty">
                        No companies match.{' '}
                        {[state.search, state.reseller, state.licenceType, state.state, state.month, state.age].some(
                          (value) => value !== '',
                        ) && 'Try clearing the search, the reseller, the licence type, the state or the month.'}
                      </p>
                    )}
                    {!shown && isLoadingRows && <div class="table-skeleton" aria-hidden="true" />}
                    {shown && (
                      <Pager
                        page={shown.page}
                        pageCount={shown.pageCount}
                        pageSize={shown.pageSize}
                        total={shown.total}
                        onPage={(page) => navigate({ page })}
                        onPageSize={(pageSize) => refilter({ pageSize })}
                      />
                    )}
                    {shown && (
                      <p class="method-note">
                        Found by {shown.strategy.name}: {formatDaysIn(shown.strategy.reason)}
                        {shown.warnings.length > 0 && ` · ${shown.warnings.join(' · ')}`}
                      </p>
                    )}
                  </>
                )}
              </div>
            </section>
          </>
        )}
      </main>
      {state.company !== '' && (
        <CompanyDrawer
          companyId={state.company}
          detail={detail}
          error={detailError}
          timeZone={state.timeZone}
          onClose={() => navigate({ company: '' })}
          onRenewed={(renewed) => {
            setDetail(renewed);
            void reload(false);
          }}
        />
      )}
    </div>
  );
}
