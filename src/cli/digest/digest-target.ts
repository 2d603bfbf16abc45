// Where a digest goes, and the run that sends it: list the scope now (recorded), compare with the snapshot this
// target last received (the first digest: the newest snapshot before this run), deliver, and only then move the
// target's place in the history. A run that fails leaves the place where it was, so the next run sends the same
// changes (with any new ones); a run with nothing new sends nothing, unless asked to say so.
import type { LapseClient } from '../../client/index.js';
import type { LifecyclePolicy } from '../../contract/index.js';
import type { History, ScopeOptions } from '../../history/index.js';
import type { SpreadsheetFormat } from '../../spreadsheet/index.js';
import { changeRowsOf, changesDocument, describeDigestCounts } from '../commands/changes-output.js';
import type { RetryPolicy } from './delivery-retries.js';
import { type Digest, isNothingChanged } from './digest.js';
import { deliverEmail } from './email.js';
import { emailContentOf } from './email-message.js';
import { slackBodyOf } from './slack.js';
import { mailtoKeyOf, type SmtpSettings } from './smtp-settings.js';
import { deliverWebhook } from './webhook.js';

export interface DigestTarget {
  /** This target's place in the history: the webhook URL, or `mailto:` and the sorted recipients. */
  key: string;
  /** The target in the line the command prints. */
  name: string;
  /** Resolves with the receiver's answer once it took the digest; throws when it did not. */
  deliver(digest: Digest): Promise<string>;
}

export const WEBHOOK_FORMATS = ['json', 'slack'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** The JSON `lapse changes --format json` writes, or a Slack message; signed either way. */
export function webhookTarget(options: {
  url: string;
  secret: string;
  format: WebhookFormat;
  now: () => number;
  retry: RetryPolicy;
}): DigestTarget {
  const bodyOf = (digest: Digest) =>
    options.format === 'slack'
      ? slackBodyOf(digest)
      : changesDocument(digest.report, digest.rows, digest.rows.length, false);
  return {
    key: options.url,
    name: options.url,
    async deliver(digest) {
      const body = JSON.stringify(bodyOf(digest));
      const { url, secret, now } = options;
      const digestId = digest.report.digestId;
      const status = await deliverWebhook({ ...options.retry, url, secret, now, body, digestId });
      return String(status);
    },
  };
}

export function emailTarget(options: {
  smtp: SmtpSettings;
  to: readonly string[];
  attach: SpreadsheetFormat;
  now: () => number;
  retry: RetryPolicy;
}): DigestTarget {
  return {
    key: mailtoKeyOf(options.to),
    name: options.to.join(', '),
    async deliver(digest) {
      const content = await emailContentOf(digest, options.attach);
      return deliverEmail({ ...options.retry, smtp: options.smtp, to: options.to, content, now: options.now });
    },
  };
}

export interface DigestRun {
  history: History;
  client: LapseClient;
  scope: ScopeOptions;
  /** The scope in words, for the digest's opening lines. */
  scopeText: string;
  withinDays: number;
  policy: LifecyclePolicy;
  /** Send a "nothing changed" digest when nothing did. */
  isAlways: boolean;
  /** Called once the listing is done, before delivery starts. */
  onListed: (warnings: readonly string[]) => void;
}

/** Lists, compares, delivers and marks; resolves with the line the command prints. */
export async function sendDigest(run: DigestRun, target: DigestTarget): Promise<string> {
  const { history } = run;
  const sentUpTo = history.digestSentUpTo(target.key);
  const report = await history.changes(run.client, {
    ...run.scope,
    since: 'last',
    withinDays: run.withinDays,
    sinceSnapshotId: sentUpTo,
    policy: run.policy,
  });
  run.onListed(report.warnings);
  // Recorded by changes(): the snapshot the next digest starts from.
  const upTo = report.recorded?.id;
  if (upTo === undefined) throw new Error('the listing was not recorded');
  const since = `since snapshot ${report.since.id}`;
  if (report.changes.length === 0 && !run.isAlways) {
    history.markDigestSent(target.key, upTo);
    return `nothing new ${since}: sent nothing`;
  }
  // A first digest that fails must not start the next one from this run's snapshot.
  if (sentUpTo === undefined) history.markDigestSent(target.key, report.since.id);
  const rows = changeRowsOf(report, run.policy);
  const digest: Digest = { report, rows, scope: run.scopeText };
  const answer = await target.deliver(digest);
  history.markDigestSent(target.key, upTo);
  const what = isNothingChanged(digest)
    ? `"nothing changed" ${since}`
    : `${rows.length} ${rows.length === 1 ? 'change' : 'changes'} ${since} (${describeDigestCounts(report, rows)})`;
  return `sent ${what} to ${target.name}: ${answer}`;
}
