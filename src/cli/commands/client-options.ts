// The flags every reseller command takes, parsed once into a typed context.
import { type Command, Option } from 'commander';
import { createClient, type LapseClient, type ListingOptions } from '../../client/index.js';
import { type CalendarDay, MAX_PAGE_SIZE, resolveAsOf } from '../../contract/index.js';
import { type ClientConfig, loadClientConfig } from '../config.js';
import type { Environment } from '../environment.js';
import { integerOption } from '../integer-option.js';
import { OUTPUT_FORMATS, type OutputFormat, type OutputTarget } from '../output/index.js';
import { createProgress, type ProgressReporter } from '../progress.js';

export interface CommonFlags {
  company?: string;
  tz?: string;
  asOf?: string;
  format: OutputFormat;
  output?: string;
  pageSize?: number;
  config?: string;
  baseUrl?: string;
}

export interface CommandContext {
  client: LapseClient;
  config: ClientConfig;
  target: OutputTarget;
  /** The day D and its zone, for listings and for the "days left" column. */
  asOf: CalendarDay;
  timeZone: string;
  listingOptions: ListingOptions;
  progress: ProgressReporter;
  warn(message: string): void;
}

export function withCommonOptions(command: Command): Command {
  return command
    .option('--company <resourceId>', 'scope to this customer and the companies below it (X-KEEPNET-Company-Id)')
    .option('--tz <IANA>', 'time zone that decides "today" (default UTC)')
    .option('--as-of <YYYY-MM-DD>', 'evaluate on this day instead of today')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .option('--output <file>', 'write to this file instead of stdout')
    .option(
      '--page-size <n>',
      `rows per request (1-${MAX_PAGE_SIZE}, default ${MAX_PAGE_SIZE})`,
      integerOption({ min: 1, max: MAX_PAGE_SIZE }),
    )
    .option('--config <file>', 'JSON config file (default $XDG_CONFIG_HOME/lapse/config.json)')
    .option('--base-url <url>', 'API base URL (default LAPSE_BASE_URL)');
}

async function contextFrom(flags: CommonFlags, environment: Environment): Promise<CommandContext> {
  const config = await loadClientConfig(
    { config: flags.config, baseUrl: flags.baseUrl, company: flags.company },
    environment,
  );
  const { asOf, timeZone } = resolveAsOf({ asOf: flags.asOf, timeZone: flags.tz }, config.now);
  const progress = createProgress();
  const client = createClient({
    baseUrl: config.baseUrl,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    companyId: config.companyId,
    now: config.now,
  });
  return {
    client,
    config,
    target: { format: flags.format, output: flags.output },
    asOf,
    timeZone,
    listingOptions: {
      asOf,
      timeZone,
      ...(flags.pageSize === undefined ? {} : { pageSize: flags.pageSize }),
      onProgress: (update) => progress.update(update),
    },
    progress,
    warn: (message) => process.stderr.write(`warning: ${message}\n`),
  };
}

/** Runs a command body with a client; the progress bar is gone before any error is reported. */
export function clientAction<F extends CommonFlags>(
  environment: Environment,
  body: (context: CommandContext, flags: F) => Promise<void>,
): (flags: F) => Promise<void> {
  return async (flags) => {
    const context = await contextFrom(flags, environment);
    try {
      await body(context, flags);
    } finally {
      context.progress.stop();
    }
  };
}
