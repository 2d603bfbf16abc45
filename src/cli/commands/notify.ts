// `lapse notify --webhook URL --secret S`: lists the scope now, records it, and delivers what changed since the
// last digest this target received (the first: since the newest snapshot before this run). The digest counts as
// sent only after a 2xx, so a failed run sends the same changes again next time; nothing new sends nothing.
import type { Command } from 'commander';
import type { Environment } from '../environment.js';
import { UsageError } from '../exit-codes.js';
import { integerOption } from '../integer-option.js';
import { writeOutput } from '../output/index.js';
import { deliverWebhook } from '../webhook.js';
import { changeRowsOf, changesDocument, describeCounts } from './changes-output.js';
import { type CommonFlags, clientAction, withCommonOptions } from './client-options.js';
import { type HistoryFlags, loadPolicy, withCommandHistory, withHistoryAndPolicyOptions } from './history-options.js';
import { parseWithinDays } from './renewals.js';

interface NotifyFlags extends CommonFlags, HistoryFlags {
  webhook?: string;
  secret?: string;
  within: number;
  retries: number;
  backoff: number;
}

function webhookUrlOf(text: string | undefined): string {
  if (text === undefined) throw new UsageError('--webhook <url> is required');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--webhook ${text}: not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--webhook ${text}: must be an http:// or https:// URL`);
  }
  return url.href;
}

export function registerNotify(program: Command, environment: Environment): void {
  withHistoryAndPolicyOptions(
    withCommonOptions(
      program
        .command('notify')
        .description('deliver what changed since the last digest to a webhook (signed JSON POST)')
        .option('--webhook <url>', 'http(s) URL to POST the digest to')
        .option('--secret <secret>', 'the HMAC-SHA256 key the receiver checks the signature with')
        .option('--within <days>', 'the renewal window for "newly-renewing", e.g. 30d', parseWithinDays, 30)
        .option(
          '--retries <n>',
          'attempts after the first on 5xx, 429 or a timeout',
          integerOption({ min: 0, max: 10 }),
          3,
        )
        .option('--backoff <ms>', 'the first wait between attempts, doubled each time', integerOption({ min: 0 }), 500),
    ),
  ).action(
    clientAction<NotifyFlags>(environment, async (context, flags) => {
      const url = webhookUrlOf(flags.webhook);
      if (!flags.secret) throw new UsageError('--secret <secret> is required: the receiver checks the signature');
      if (flags.limit !== undefined) throw new UsageError('--limit: a digest holds every change');
      const secret = flags.secret;
      const policy = await loadPolicy(context, flags, environment);
      await withCommandHistory(context, flags, environment, async (history, scope) => {
        const sentUpTo = history.digestSentUpTo(url);
        const report = await history.changes(context.client, {
          ...scope,
          since: 'last',
          withinDays: flags.within,
          sinceSnapshotId: sentUpTo,
          policy,
        });
        context.progress.stop();
        for (const warning of report.warnings) context.warn(warning);
        // Recorded by changes(): the snapshot the next digest starts from.
        const upTo = report.recorded?.id;
        if (upTo === undefined) throw new Error('the listing was not recorded');
        if (report.changes.length === 0) {
          history.markDigestSent(url, upTo);
          return writeOutput(
            context.target.destination,
            `nothing new since snapshot ${report.since.id}: sent nothing\n`,
          );
        }
        // A first digest that fails must not start the next one from this run's snapshot.
        if (sentUpTo === undefined) history.markDigestSent(url, report.since.id);
        const rows = changeRowsOf(report, policy);
        const body = JSON.stringify(changesDocument(report, rows, rows.length, false));
        const status = await deliverWebhook({
          url,
          secret,
          body,
          now: context.config.now,
          retries: flags.retries,
          backoffMs: flags.backoff,
          onRetry: (message) => process.stderr.write(`${message}\n`),
        });
        history.markDigestSent(url, upTo);
        await writeOutput(
          context.target.destination,
          `sent ${rows.length} changes since snapshot ${report.since.id} (${describeCounts(rows)}) to ${url}: ${status}\n`,
        );
      });
    }),
  );
}
