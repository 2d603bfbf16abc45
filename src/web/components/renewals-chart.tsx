// Renewals by month, drawn as SVG bars: the lapses before the chart's first month in one "older" bar, the 12 months
// up to the as-of day that lapsed (red) and the 12 from it that are coming up (blue). The as-of month holds both,
// stacked. Each bar is a button: it filters the table to its month (Expired for lapses, Renewing for the others).
import { useEffect, useRef, useState } from 'preact/hooks';
import { type MonthBar, monthOf, OLDER_MONTHS } from '../../contract/index.js';
import { formatMonthLong, formatMonthShort, formatNumber } from '../format.js';

const HEIGHT = 240;
const MARGIN = { top: 16, right: 12, bottom: 40, left: 44 };

/** A round axis maximum and its tick values (3–5 ticks). */
function ticksFor(max: number): number[] {
  if (max <= 0) return [0, 1];
  const rough = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? rough;
  const top = Math.ceil(max / step) * step;
  return Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
}

function useWidth<T extends Element>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setWidth(Math.max(280, Math.floor(entry.contentRect.width)));
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, width };
}

const monthName = (month: string, first: string | undefined) =>
  month === OLDER_MONTHS
    ? `Before ${first === undefined ? 'the chart' : formatMonthLong(first)}`
    : formatMonthLong(month);

function describeBar(bar: MonthBar, first: string | undefined): string {
  const parts = [
    ...(bar.lapsed > 0 ? [`${formatNumber(bar.lapsed)} lapsed`] : []),
    ...(bar.upcoming > 0 ? [`${formatNumber(bar.upcoming)} coming up`] : []),
  ];
  return `${monthName(bar.month, first)}: ${parts.length > 0 ? parts.join(', ') : 'no renewals'}`;
}

export type ChartView = 'expired' | 'renewing';

interface RenewalsChartProps {
  months: MonthBar[] | undefined;
  /** Lapses before the first month drawn. */
  olderLapsed: number | undefined;
  asOf: string | undefined;
  /** The bar the table is filtered to, if any. */
  selected: { view: string; month: string };
  onSelect(view: ChartView, month: string): void;
}

/** One clickable part of a bar: Enter or Space does what a click does. */
function barButton(label: string, isSelected: boolean, select: () => void) {
  return {
    role: 'button' as const,
    tabIndex: 0,
    'aria-label': label,
    'aria-pressed': isSelected,
    onClick: select,
    onKeyDown: (event: KeyboardEvent) => {
      if (event.key !== 'Enter' && event.key !== ' ') return;
      event.preventDefault();
      select();
    },
  };
}

export function RenewalsChart({ months, olderLapsed, asOf, selected, onSelect }: RenewalsChartProps) {
  const { ref, width } = useWidth<HTMLDivElement>(900);
  const first = months?.[0]?.month;
  const bars: MonthBar[] =
    months === undefined ? [] : [{ month: OLDER_MONTHS, lapsed: olderLapsed ?? 0, upcoming: 0 }, ...months];
  const ticks = ticksFor(Math.max(0, ...bars.map((b) => b.lapsed + b.upcoming)));
  const top = ticks[ticks.length - 1] ?? 1;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const slot = plotWidth / Math.max(1, bars.length);
  const barWidth = Math.max(4, slot * 0.66);
  const y = (value: number) => MARGIN.top + plotHeight - (value / top) * plotHeight;
  const labelEvery = slot < 34 ? 3 : slot < 48 ? 2 : 1;
  const currentMonth = asOf === undefined ? undefined : monthOf(asOf);
  const currentIndex = bars.findIndex((b) => b.month === currentMonth);
  const lapsedTotal = bars.reduce((sum, b) => sum + (b.month === OLDER_MONTHS ? 0 : b.lapsed), 0);
  const upcomingTotal = bars.reduce((sum, b) => sum + b.upcoming, 0);
  const isSelected = (bar: MonthBar, view: ChartView) => selected.month === bar.month && selected.view === view;

  return (
    <section class="card chart-card" aria-labelledby="chart-title">
      <div class="card-head">
        <h2 id="chart-title">Renewals by month</h2>
        <ul class="legend">
          <li>
            <span class="swatch swatch-lapsed" /> Lapsed, last 12 months ({formatNumber(lapsedTotal)})
          </li>
          <li>
            <span class="swatch swatch-older" /> Older ({formatNumber(olderLapsed ?? 0)})
          </li>
          <li>
            <span class="swatch swatch-upcoming" /> Coming up, next 12 months ({formatNumber(upcomingTotal)})
          </li>
        </ul>
      </div>
      <div class="chart" ref={ref} aria-busy={months === undefined}>
        {months === undefined ? (
          <div class="chart-loading">Loading renewals…</div>
        ) : (
          <svg
            class={selected.month === '' ? 'renewals-chart' : 'renewals-chart has-selection'}
            width={width}
            height={HEIGHT}
            viewBox={`0 0 ${width} ${HEIGHT}`}
            role="img"
            aria-label={`Renewals by month: ${formatNumber(olderLapsed ?? 0)} lapsed before, ${formatNumber(lapsedTotal)} lapsed in the last 12 months, ${formatNumber(upcomingTotal)} coming up in the next 12. Choose a bar to list its companies.`}
          >
            {ticks.map((tick) => (
              <g key={tick} class="gridline">
                <line x1={MARGIN.left} x2={width - MARGIN.right} y1={y(tick)} y2={y(tick)} />
                <text x={MARGIN.left - 8} y={y(tick)} dy="0.32em" text-anchor="end">
                  {formatNumber(tick)}
                </text>
              </g>
            ))}
            {currentIndex >= 0 && (
              <g class="today-marker">
                <line
                  x1={MARGIN.left + slot * (currentIndex + 0.5)}
                  x2={MARGIN.left + slot * (currentIndex + 0.5)}
                  y1={MARGIN.top - 6}
                  y2={MARGIN.top + plotHeight}
                />
              </g>
            )}
            <line
              class="older-separator"
              x1={MARGIN.left + slot}
              x2={MARGIN.left + slot}
              y1={MARGIN.top}
              y2={MARGIN.top + plotHeight}
            />
            {bars.map((bar, index) => {
              const x = MARGIN.left + slot * index + (slot - barWidth) / 2;
              const lapsedTop = y(bar.lapsed);
              const upcomingTop = y(bar.lapsed + bar.upcoming);
              const isOlder = bar.month === OLDER_MONTHS;
              const showLabel = isOlder || index % labelEvery === (currentIndex >= 0 ? currentIndex % labelEvery : 0);
              const name = monthName(bar.month, first);
              return (
                <g key={bar.month} class="bar-group">
                  <title>{describeBar(bar, first)}</title>
                  {bar.lapsed > 0 && (
                    <rect
                      {...barButton(`${name}: ${formatNumber(bar.lapsed)} lapsed`, isSelected(bar, 'expired'), () =>
                        onSelect('expired', bar.month),
                      )}
                      class={`bar ${isOlder ? 'bar-older' : 'bar-lapsed'}${isSelected(bar, 'expired') ? ' bar-selected' : ''}`}
                      data-month={bar.month}
                      data-view="expired"
                      x={x}
                      y={lapsedTop}
                      width={barWidth}
                      height={y(0) - lapsedTop}
                      rx={2}
                    />
                  )}
                  {bar.upcoming > 0 && (
                    <rect
                      {...barButton(
                        `${name}: ${formatNumber(bar.upcoming)} coming up`,
                        isSelected(bar, 'renewing'),
                        () => onSelect('renewing', bar.month),
                      )}
                      class={`bar bar-upcoming${isSelected(bar, 'renewing') ? ' bar-selected' : ''}`}
                      data-month={bar.month}
                      data-view="renewing"
                      x={x}
                      y={upcomingTop}
                      width={barWidth}
                      height={lapsedTop - upcomingTop}
                      rx={2}
                    />
                  )}
                  {showLabel && (
                    <text
                      class={bar.month === currentMonth ? 'axis-label axis-label-current' : 'axis-label'}
                      x={x + barWidth / 2}
                      y={HEIGHT - MARGIN.bottom + 16}
                      text-anchor="middle"
                    >
                      {isOlder ? 'Older' : formatMonthShort(bar.month)}
                      {!isOlder && (bar.month.endsWith('-01') || index === 1) && (
                        <tspan x={x + barWidth / 2} dy="1.2em" class="axis-year">
                          {bar.month.slice(0, 4)}
                        </tspan>
                      )}
                    </text>
                  )}
                </g>
              );
            })}
          </svg>
        )}
      </div>
    </section>
  );
}
