// The key figures on top: what is overdue, what is coming, and how many people it touches.
import type { DashboardSummary } from '../../contract/index.js';
import { formatNumber } from '../format.js';

interface Figure {
  label: string;
  value: (summary: DashboardSummary) => number;
  note: string;
  tone: 'overdue' | 'soon' | 'upcoming' | 'neutral';
}

const FIGURES: readonly Figure[] = [
  { label: 'Expired now', value: (s) => s.expiredNow, note: 'renewal day has passed', tone: 'overdue' },
  { label: 'Expired in the last 30 days', value: (s) => s.expiredLast30Days, note: 'recently lapsed', tone: 'overdue' },
  { label: 'Renewing in 30 days', value: (s) => s.renewingNext30Days, note: 'due soon', tone: 'soon' },
  { label: 'Renewing in 90 days', value: (s) => s.renewingNext90Days, note: 'coming up', tone: 'upcoming' },
  {
    label: 'Target users affected',
    value: (s) => s.targetUsersAffected,
    note: 'in companies that have expired',
    tone: 'neutral',
  },
];

export function KeyFigures({ summary }: { summary: DashboardSummary | undefined }) {
  return (
    <section class="figures" aria-label="Key figures" aria-busy={summary === undefined}>
      {FIGURES.map((figure) => (
        <div class={`figure figure-${figure.tone}`} key={figure.label}>
          <div class="figure-label">{figure.label}</div>
          <div class="figure-value" data-figure={figure.label}>
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
