// lapse's lifecycle states on the page: a badge per state (a dot and a word, so it never reads as the Status
// pill of days overdue, nor as the vendor's License Expired) and a legend that says what each means under the
// policy `lapse ui` runs with.
import type { DashboardSession, LifecycleState, RowLifecycle } from '../../contract/index.js';
import { formatDay } from '../format.js';

export const STATE_TITLES: Record<LifecycleState, string> = {
  active: 'Active',
  renewing: 'Renewing',
  'in-grace': 'In grace',
  lapsed: 'Lapsed',
  'open-ended': 'Open-ended',
};

type Policy = DashboardSession['policy'];

function describeState(state: LifecycleState, policy: Policy | undefined): string {
  const widest = policy && policy.leadDays.length > 0 ? Math.max(...policy.leadDays) : undefined;
  const grace = policy?.graceDays;
  switch (state) {
    case 'active':
      return widest === undefined ? 'not yet due' : `renewal more than ${widest} days away`;
    case 'renewing':
      return widest === undefined ? 'inside a notice window' : `renewal within ${widest} days, or today`;
    case 'in-grace':
      return grace === undefined ? 'expired, still in grace' : `expired up to ${grace} days ago`;
    case 'lapsed':
      return grace === undefined ? 'expired, grace over' : `expired more than ${grace} days ago`;
    case 'open-ended':
      return 'no renewal date';
  }
}

export function StateBadge({ lifecycle }: { lifecycle: RowLifecycle }) {
  const next =
    lifecycle.nextChange === null || lifecycle.nextState === null
      ? undefined
      : `${STATE_TITLES[lifecycle.nextState]} from ${formatDay(lifecycle.nextChange)}`;
  return (
    <span class={`state-badge state-${lifecycle.state}`} data-state={lifecycle.state} title={next}>
      {STATE_TITLES[lifecycle.state]}
    </span>
  );
}

export function StateLegend({ policy, states }: { policy: Policy | undefined; states: readonly LifecycleState[] }) {
  const overrides = policy ? Object.keys(policy.licenceTypes).length : 0;
  return (
    <section class="state-legend" aria-label="Lifecycle states">
      <span class="state-legend-title">Lifecycle (lapse's policy, not the vendor's License Expired):</span>
      <ul>
        {states.map((state) => (
          <li key={state}>
            <span class={`state-badge state-${state}`}>{STATE_TITLES[state]}</span>{' '}
            <span class="muted">{describeState(state, policy)}</span>
          </li>
        ))}
      </ul>
      {overrides > 0 && (
        <span class="muted">
          {overrides === 1 ? 'One licence type has its' : `${overrides} licence types have their`} own lead days or
          grace.
        </span>
      )}
    </section>
  );
}
