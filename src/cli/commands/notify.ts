// `lapse notify --webhook URL --secret S` or `lapse notify --email TO --smtp URL`: lists the scope now, records it,
// and delivers what changed since the last digest this target received (digest/digest-target.ts has the run).
import { type Command, Option } from 'commander';
import type { SpreadsheetFormat } from '../../spreadsheet/index.js';
import {
  type DigestTarget,
  emailTarget,
  parseRecipients,
  type RetryPolicy,
  STARTTLS_CHOICES,
  type StartTlsChoice,
  sendDigest,
  smtpSettingsOf,
  WEBHOOK_FORMATS,
  type WebhookFormat,
  webhookTarget,
} from '../digest/index.js';
import type { Environment } from '../environment.js';
import { UsageError } from '../exit-codes.js';
import { integerOption } from '../integer-option.js';
import { STDOUT, writeOutput } from '../output/index.js';
import {
  type CommandContext,
  type CommonFlags,
  clientAction,
  withConnectionOptions,
  withDayOptions,
  withListingOptions,
} from './client-options.js';
import { type HistoryFlags, loadPolicy, withCommandHistory, withHistoryAndPolicyOptions } from './history-options.js';
import { parseWithinDays } from './renewals.js';

interface NotifyFlags extends Omit<CommonFlags, 'format' | 'output'>, HistoryFlags {
  webhook?: string;
  secret?: string;
  format?: WebhookFormat;
  email?: string;
  smtp?: string;
  smtpStarttls?: StartTlsChoice;
  smtpCa?: string;
  from?: string;
  attach?: SpreadsheetFormat;
  always?: boolean;
  within: number;
  retries: number;
  backoff: number;
}

function webhookUrlOf(text: string): string {
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

/** Flags that belong to the other kind of target, by the name a person typed. */
function refuseFlags(flags: NotifyFlags, names: Partial<Record<keyof NotifyFlags, string>>, target: string): void {
  for (const [key, flag] of Object.entries(names)) {
    if (flags[key as keyof NotifyFlags] !== undefined) throw new UsageError(`${flag} is for ${target}`);
  }
}

const EMAIL_FLAGS = {
  smtp: '--smtp',
  smtpStarttls: '--smtp-starttls',
  smtpCa: '--smtp-ca',
  from: '--from',
  attach: '--attach',
} as const;

async function targetOf(flags: NotifyFlags, context: CommandContext, environment: Environment): Promise<DigestTarget> {
  if (flags.webhook !== undefined && flags.email !== undefined) {
    throw new UsageError('give --webhook or --email, not both: run notify once per target (each keeps its own place)');
  }
  const retry: RetryPolicy = {
    retries: flags.retries,
    backoffMs: flags.backoff,
    onRetry: (message) => process.stderr.write(`${message}\n`),
  };
  const now = context.config.now;
  if (flags.email !== undefined) {
    refuseFlags(flags, { secret: '--secret', format: '--format' }, '--webhook');
    const to = parseRecipients(flags.email);
    const smtp = await smtpSettingsOf({
      url: flags.smtp ?? (environment.LAPSE_SMTP_URL || undefined),
      urlSource: flags.smtp === undefined ? 'LAPSE_SMTP_URL' : '--smtp',
      startTls: flags.smtpStarttls,
      caFile: flags.smtpCa,
      from: flags.from,
    });
    return emailTarget({ smtp, to, attach: flags.attach ?? 'csv', now, retry });
  }
  if (flags.webhook === undefined) throw new UsageError('--webhook <url> or --email <address,…> is required');
  refuseFlags(flags, EMAIL_FLAGS, '--email');
  const url = webhookUrlOf(flags.webhook);
  // From the environment, the secret stays out of the process list (`ps`) that every user of the machine reads.
  const secret = flags.secret ?? (environment.LAPSE_WEBHOOK_SECRET || undefined);
  if (!secret) {
    throw new UsageError('--secret <secret> or LAPSE_WEBHOOK_SECRET is required: the receiver checks the signature');
  }
  return webhookTarget({ url, secret, format: flags.format ?? 'json', now, retry });
}

export function registerNotify(program: Command, environment: Environment): void {
  const command = program
    .command('notify')
    .description('deliver what changed since the last digest: to a webhook (signed JSON POST) or by e-mail');
  withHistoryAndPolicyOptions(withListingOptions(withDayOptions(withConnectionOptions(command))))
    .option('--webhook <url>', 'http(s) URL to POST the digest to')
    .option(
      '--secret <secret>',
      'the HMAC-SHA256 key the receiver checks the signature with (default LAPSE_WEBHOOK_SECRET)',
    )
    .addOption(
      new Option('--format <format>', 'the webhook body: json (as `lapse changes`) or slack (default json)').choices(
        WEBHOOK_FORMATS,
      ),
    )
    .option('--email <addresses>', 'e-mail the digest to these addresses (comma-separated)')
    .option('--smtp <url>', 'smtp://user:password@host:587 (STARTTLS) or smtps://…:465 (default LAPSE_SMTP_URL)')
    .addOption(
      new Option('--smtp-starttls <when>', 'for smtp:// URLs: required (default) or opportunistic').choices(
        STARTTLS_CHOICES,
      ),
    )
    .option(
      '--smtp-ca <file>',
      "PEM file of the CA that signed the SMTP server's certificate (instead of the system's)",
    )
    .option('--from <address>', "the sender (default the SMTP URL's user name, when it is an address)")
    .addOption(
      new Option('--attach <format>', 'attach the changes as csv or xlsx (default csv)').choices(['csv', 'xlsx']),
    )
    .option('--always', 'send a "nothing changed" digest when nothing did')
    .option('--within <days>', 'the renewal window for "newly-renewing", e.g. 30d', parseWithinDays, 30)
    .option(
      '--retries <n>',
      'attempts after the first when the receiver cannot be reached or says to try later',
      integerOption({ min: 0, max: 10 }),
      3,
    )
    .option('--backoff <ms>', 'the first wait between attempts, doubled each time', integerOption({ min: 0 }), 500)
    .action(
      clientAction<CommonFlags & HistoryFlags>(
        environment,
        async (context, commonFlags) => {
          const flags = commonFlags as NotifyFlags;
          if (flags.limit !== undefined) throw new UsageError('--limit: a digest holds every change');
          const target = await targetOf(flags, context, environment);
          const policy = await loadPolicy(context, flags, environment);
          const line = await withCommandHistory(context, flags, environment, (history, scope) =>
            sendDigest(
              {
                history,
                client: context.client,
                scope,
                scopeText: context.scope,
                withinDays: flags.within,
                policy,
                isAlways: flags.always === true,
                onListed: (warnings) => {
                  context.progress.stop();
                  for (const warning of warnings) context.warn(warning);
                },
              },
              target,
            ),
          );
          await writeOutput(context.target.destination, `${line}\n`);
        },
        async () => ({ format: 'table', destination: STDOUT }),
      ),
    );
}
