// The key figures on top: what is overdue, what is coming, and how many people it touches.
import type { DashboardSummary } from '../../contract/index.js';
import { formatDay, formatNumber } from '../format.js';

interface Figure {
  /** The figure's name (its label on today's figures). */
  name: string;
  /** The label for a summary, when it depends on the day. */
  labelFor?: (summary: DashboardSummary) => string;
  value: (summary: DashboardSummary) => number;
  note: string;
  tone: 'overdue' | 'soon' | 'upcoming' | 'neutral';
}

const FIGURES: readonly Figure[] = [
  {
    name: 'Expired now',
    // "now" only when D is today; a past or future as-of day is named.
    labelFor: (s) => (s.asOf === s.today ? 'Expired now' : `Expired on ${formatDay(s.asOf)}`),
    value: (s) => s.expiredNow,
    note: 'renewal day has passed',
    tone: 'overdue',
  },
  { name: 'Expired in the last 30 days', value: (s) => s.expiredLast30Days, note: 'recently lapsed', tone: 'overdue' },
  { name: 'Renewing in 30 days', value: (s) => s.renewingNext30Days, note: 'due soon', tone: 'soon' },
  { name: 'Renewing in 90 days', value: (s) => s.renewingNext90Days, note: 'coming up', tone: 'upcoming' },
  {
    name: 'Target users affected',
    value: (s) => s.targetUsersAffected,
    note: 'in companies that have expired',
    tone: 'neutral',
  },
];

export function KeyFigures({ summary }: { summary: DashboardSummary | undefined }) {
  return (
    <section class="figures" aria-label="Key figures" aria-busy={summary === undefined}>
      {FIGURES.map((figure) => (
        <div class={`figure figure-${figure.tone}`} key={figure.name}>
          <div class="figure-label">{summary && figure.labelFor ? figure.labelFor(summary) : figure.name}</div>
          <div class="figure-value" data-figure={figure.name}>
            {summary === undefined ? (
              <span class="placeholder" role="img" aria-label="loading" />
            ) : (
              formatNumber(figure.value(summary))
            )}
          </div>
          <div class="figure-note">{figure.note}</div>
        </div>
      ))}
    </section>
  );
}
