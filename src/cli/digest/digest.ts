// What a digest says, whatever carries it: the changes since the snapshot the target last received, and the
// words its title and opening lines use in a Slack message and an e-mail alike.
import type { ChangeReport } from '../../history/index.js';
import { type ChangeRow, describeCounts } from '../commands/changes-output.js';

export interface Digest {
  report: ChangeReport;
  /** Every change, in the order `lapse changes` lists them (empty: a "nothing changed" digest). */
  rows: readonly ChangeRow[];
  /** What the listing covers, in words ("every company the credential sees"). */
  scope: string;
}

/** "3 changes since 2026-03-03: 2 renewed, 1 newly-expired", or "nothing changed since 2026-03-03". */
export function digestTitle(digest: Digest): string {
  const since = digest.report.since.asOf;
  const count = digest.rows.length;
  if (count === 0) return `nothing changed since ${since}`;
  return `${count} ${count === 1 ? 'change' : 'changes'} since ${since}: ${describeCounts(digest.rows)}`;
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
