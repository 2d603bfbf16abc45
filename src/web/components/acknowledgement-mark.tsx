// A company acknowledged with `lapse ack`: its digest notices are silenced, until a day or until its renewal date
// moves. A short mark in a row, the whole of it (until, note, who and when) in the drawer.
import type { RowAcknowledgement } from '../../contract/index.js';
import { formatDay, formatInstant } from '../format.js';

const untilText = (mark: RowAcknowledgement) =>
  mark.until === null ? 'until its renewal date moves' : `until ${formatDay(mark.until)}`;

export function AcknowledgementMark({ mark }: { mark: RowAcknowledgement }) {
  const title = `Acknowledged ${untilText(mark)}, by ${mark.by} on ${formatInstant(mark.at)}${mark.note ? `: ${mark.note}` : ''}`;
  return (
    <span class="ack-mark" data-ack={mark.until ?? 'renewal'} title={title}>
      {mark.until === null ? 'Acknowledged' : `Snoozed to ${formatDay(mark.until)}`}
    </span>
  );
}

export function AcknowledgementDetail({ mark }: { mark: RowAcknowledgement }) {
  return (
    <div class="ack-detail" data-ack-detail>
      <strong>Acknowledged</strong> — notices silenced {untilText(mark)}.
      <dl>
        <div>
          <dt>By</dt>
          <dd data-ack-by>{mark.by}</dd>
        </div>
        <div>
          <dt>When</dt>
          <dd>{formatInstant(mark.at)}</dd>
        </div>
        <div>
          <dt>Note</dt>
          <dd data-ack-note>{mark.note ?? '—'}</dd>
        </div>
      </dl>
    </div>
  );
}
