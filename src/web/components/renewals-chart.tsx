// Renewals by month, drawn as SVG bars: the 12 months up to the as-of day that lapsed (red) and the 12 from it
// that are coming up (blue). The as-of month holds both, stacked.
import { useEffect, useRef, useState } from 'preact/hooks';
import { type MonthBar, monthOf } from '../../contract/index.js';
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

function describeBar(bar: MonthBar): string {
  const parts = [
    ...(bar.lapsed > 0 ? [`${formatNumber(bar.lapsed)} lapsed`] : []),
    ...(bar.upcoming > 0 ? [`${formatNumber(bar.upcoming)} coming up`] : []),
  ];
  return `${formatMonthLong(bar.month)}: ${parts.length > 0 ? parts.join(', ') : 'no renewals'}`;
}

export function RenewalsChart({ months, asOf }: { months: MonthBar[] | undefined; asOf: string | undefined }) {
  const { ref, width } = useWidth<HTMLDivElement>(900);
  const bars = months ?? [];
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
  const lapsedTotal = bars.reduce((sum, b) => sum + b.lapsed, 0);
  const upcomingTotal = bars.reduce((sum, b) => sum + b.upcoming, 0);

  return (
    <section class="card chart-card" aria-labelledby="chart-title">
      <div class="card-head">
        <h2 id="chart-title">Renewals by month</h2>
        <ul class="legend">
          <li>
            <span class="swatch swatch-lapsed" /> Lapsed, last 12 months ({formatNumber(lapsedTotal)})
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
            class="renewals-chart"
            width={width}
            height={HEIGHT}
            viewBox={`0 0 ${width} ${HEIGHT}`}
            role="img"
            aria-label={`Renewals by month: ${formatNumber(lapsedTotal)} lapsed in the last 12 months, ${formatNumber(upcomingTotal)} coming up in the next 12.`}
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
            {bars.map((bar, index) => {
              const x = MARGIN.left + slot * index + (slot - barWidth) / 2;
              const lapsedTop = y(bar.lapsed);
              const upcomingTop = y(bar.lapsed + bar.upcoming);
              const showLabel = index % labelEvery === (currentIndex >= 0 ? currentIndex % labelEvery : 0);
              return (
                <g key={bar.month} class="bar-group">
                  <title>{describeBar(bar)}</title>
                  {bar.lapsed > 0 && (
                    <rect
                      class="bar bar-lapsed"
                      x={x}
                      y={lapsedTop}
                      width={barWidth}
                      height={y(0) - lapsedTop}
                      rx={2}
                    />
                  )}
                  {bar.upcoming > 0 && (
                    <rect
                      class="bar bar-upcoming"
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
                      {formatMonthShort(bar.month)}
                      {(bar.month.endsWith('-01') || index === 0) && (
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
