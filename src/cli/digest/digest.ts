// What a digest says, whatever carries it: the changes since the snapshot the target last received, and the
// words its title and opening lines use in a Slack message and an e-mail alike. Its counts are
// describeDigestCounts, which the JSON digest's `counts` is too: every carrier says what it left out.
import type { ChangeReport } from '../../history/index.js';
import { type ChangeRow, describeDigestCounts } from '../commands/changes-output.js';

export interface Digest {
  report: ChangeReport;
  /** Every change, in the order `lapse changes` lists them (empty, with none left out: a "nothing changed" digest). */
  rows: readonly ChangeRow[];
  /** What the listing covers, in words ("every company the credential sees"). */
  scope: string;
}

/**
 * "3 changes since 2026-03-03: 2 renewed, 1 newly-expired; 2 acknowledged, not sent", or "nothing changed since
 * 2026-03-03" when there is neither a change to send nor one left out.
 */
export function digestTitle(digest: Digest): string {
  const { report, rows } = digest;
  const since = report.since.asOf;
  if (isNothingChanged(digest)) return `nothing changed since ${since}`;
  const count = `${rows.length} ${rows.length === 1 ? 'change' : 'changes'}`;
  return `${count} since ${since}: ${describeDigestCounts(report, rows)}`;
}

/** No change to send, and none left out: a "nothing changed" digest. */
export function isNothingChanged(digest: Pick<Digest, 'report' | 'rows'>): boolean {
  return digest.rows.length === 0 && digest.report.silenced.length === 0;
}

/** What was listed and what it was compared with. */
export function digestComparison(digest: Digest): string[] {
  const { report } = digest;
  const { since } = report;
  return [
    `Scope: ${digest.scope}, ${report.companyCount} companies, as of ${report.asOf} (${report.timeZone}).`,
    `Compared with snapshot ${since.id} (${since.view}, as of ${since.asOf}, taken ${since.takenAt}).`,
  ];
}
