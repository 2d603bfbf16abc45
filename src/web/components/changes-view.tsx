// The Changes view: what changed since a snapshot of the local history (what `lapse changes --no-record` says),
// grouped by kind with counts. Opening it records nothing; "Record snapshot" does what `lapse snapshot` does.
import type { ComponentChildren } from 'preact';
import { type ChangeRow, type DashboardChanges, SINCE_CHOICES } from '../../contract/index.js';
import { formatDay, formatDaysIn, formatInstant, formatNumber } from '../format.js';
import type { UiRequestError } from '../ui-client.js';
import { AcknowledgementMark } from './acknowledgement-mark.js';
import { DayField } from './day-input.js';
import { StateBadge } from './lifecycle-state.js';

const KIND_TITLES: Record<string, (within: number) => string> = {
  'newly-expired': () => 'Newly expired',
  renewed: () => 'Renewed',
  'newly-renewing': (within) => `Newly renewing within ${within} days`,
  'newly-over-limit': () => 'Newly over the licence limit',
  'back-under-limit': () => 'Back under the licence limit',
  'licence-type-changed': () => 'Licence type changed',
  added: () => 'Customers added',
  removed: () => 'Customers removed',
};

const SINCE_TITLES: Record<(typeof SINCE_CHOICES)[number], string> = {
  last: 'the last snapshot',
  '7d': '7 days before',
  '30d': '30 days before',
};

const usersOf = (facts: ChangeRow['after']) =>
  facts === null
    ? '—'
    : `${formatNumber(facts.targetUserCount)} of ${facts.userLimit === null ? 'unlimited' : formatNumber(facts.userLimit)} users`;

/** The fact that changed, before → after. */
function describeChange(change: ChangeRow): ComponentChildren {
  const { before, after } = change;
  switch (change.kind) {
    case 'renewed':
      return `${formatDay(before?.renewalDay ?? null)} → ${after?.renewalDay ? formatDay(after.renewalDay) : 'open-ended'}${
        change.renewedByDays === null ? '' : ` (+${formatNumber(change.renewedByDays)} days)`
      }`;
    case 'newly-over-limit':
    case 'back-under-limit':
      return `${usersOf(before)} → ${usersOf(after)}`;
    case 'licence-type-changed':
      return `${before?.licenceType ?? '—'} → ${after?.licenceType ?? '—'}`;
    default:
      return `renewal ${formatDay((after ?? before)?.renewalDay ?? null)}`;
  }
}

interface ChangesViewProps {
  changes: DashboardChanges | undefined;
  error: UiRequestError | undefined;
  isLoading: boolean;
  since: string;
  isRecording: boolean;
  /** What the last Record snapshot did, in words. */
  recordedNote: string | undefined;
  onSince(since: string): void;
  onRecord(): void;
  onOpen(companyResourceId: string): void;
}

function SinceChooser({ since, onSince }: { since: string; onSince(since: string): void }) {
  const isDay = !(SINCE_CHOICES as readonly string[]).includes(since);
  return (
    <div class="since-chooser">
      <label class="field">
        <span class="field-label">Changed since</span>
        <select
          value={isDay ? 'day' : since}
          onChange={(e) => {
            const value = e.currentTarget.value;
            if (value !== 'day') onSince(value);
          }}
        >
          {SINCE_CHOICES.map((choice) => (
            <option key={choice} value={choice}>
              {SINCE_TITLES[choice]}
            </option>
          ))}
          <option value="day">a day…</option>
        </select>
      </label>
      <DayField
        label="Snapshot on or before"
        value={isDay ? since : ''}
        onChange={(day) => onSince(day || 'last')}
        dataName="since-day"
      />
    </div>
  );
}

function ChangeGroups({ changes, onOpen }: { changes: DashboardChanges; onOpen(id: string): void }) {
  const total = changes.changes.length;
  if (total === 0) return <p class="empty changes-none">Nothing changed since this snapshot.</p>;
  return (
    <div class="change-groups">
      {changes.counts
        .filter((entry) => entry.count > 0)
        .map((entry) => (
          <section class="change-group" key={entry.kind} data-kind={entry.kind}>
            <h3>
              {(KIND_TITLES[entry.kind] ?? (() => entry.kind))(changes.withinDays)}{' '}
              <span class="tab-count" data-kind-count={entry.count}>
                {formatNumber(entry.count)}
              </span>
            </h3>
            <ul>
              {changes.changes
                .filter((change) => change.kind === entry.kind)
                .map((change) => (
                  <li key={change.companyResourceId} data-change-company={change.companyResourceId}>
                    {change.kind === 'removed' ? (
                      <span class="company-name">{change.companyName}</span>
                    ) : (
                      <button type="button" class="company-name" onClick={() => onOpen(change.companyResourceId)}>
                        {change.companyName}
                      </button>
                    )}
                    <span class="muted"> {change.resellerName ?? '—'}</span>
                    <span class="change-fact">{describeChange(change)}</span>
                    {change.lifecycle && <StateBadge lifecycle={change.lifecycle} />}
                    {change.acknowledgement && <AcknowledgementMark mark={change.acknowledgement} />}
                  </li>
                ))}
            </ul>
          </section>
        ))}
    </div>
  );
}

export function ChangesView(props: ChangesViewProps) {
  const { changes, error, isLoading, since, isRecording, recordedNote, onSince, onRecord, onOpen } = props;
  const total = changes?.changes.length;
  return (
    <div class="changes-view" data-since={since}>
      <div class="filter-bar">
        <SinceChooser since={since} onSince={onSince} />
        <div class="field field-export">
          <span class="field-label">History</span>
          <button type="button" class="button" disabled={isRecording} onClick={onRecord} data-record-snapshot>
            {isRecording ? 'Recording…' : 'Record snapshot'}
          </button>
        </div>
      </div>
      <p class="method-note">
        Opening this view records nothing; what it compares with is what <code>lapse snapshot</code>,{' '}
        <code>lapse changes</code> or Record snapshot kept.
        {recordedNote && <strong class="recorded-note"> {recordedNote}</strong>}
      </p>
      {isLoading ? (
        <div class="table-status">
          <span class="loading">
            <span class="spinner" aria-hidden="true" /> Comparing with the history…
          </span>
        </div>
      ) : error ? (
        <div class="changes-error" role="alert" data-error-kind={error.kind}>
          <strong>{error.title}</strong> {formatDaysIn(error.message)}
        </div>
      ) : changes?.since === null ? (
        <div class="changes-empty" role="status" data-no-snapshot>
          <strong>No snapshot yet.</strong> The history ({changes.historyPath}) holds nothing to compare with. Run{' '}
          <code>lapse snapshot</code> (from cron, daily), or Record snapshot above, and the changes since then show
          here.
        </div>
      ) : changes ? (
        <>
          <div class="table-status" data-total={total}>
            <strong>{formatNumber(total ?? 0)}</strong> {total === 1 ? 'change' : 'changes'} since snapshot{' '}
            {changes.since.id} of {formatDay(changes.since.asOf)} (taken {formatInstant(changes.since.takenAt)},{' '}
            {formatNumber(changes.since.companyCount)} companies) · now {formatNumber(changes.companyCount)} companies
            as of {formatDay(changes.asOf)}
          </div>
          <ChangeGroups changes={changes} onOpen={onOpen} />
          {changes.warnings.length > 0 && <p class="method-note">{changes.warnings.join(' · ')}</p>}
        </>
      ) : null}
    </div>
  );
}
