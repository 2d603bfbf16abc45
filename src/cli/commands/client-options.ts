// The flags every reseller command takes, parsed once into a typed context, and the one place that turns a
// failure into a line on stderr and an exit code.
import { type Command, InvalidArgumentError, Option } from 'commander';
import { createClient, type LapseClient, type ListingOptions } from '../../client/index.js';
import { type CalendarDay, dayOf, isValidTimeZone, MAX_PAGE_SIZE, parseDay } from '../../contract/index.js';
import { type ClientConfig, loadClientConfig } from '../config.js';
import { describeError, exitCodeFor, UsageError } from '../exit-codes.js';
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

export function parsePositiveInteger(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError('expected a whole number, 1 or more');
  }
  return value;
}

function parsePageSize(text: string): number {
  const value = parsePositiveInteger(text);
  if (value > MAX_PAGE_SIZE) throw new InvalidArgumentError(`at most ${MAX_PAGE_SIZE} (contract limit)`);
  return value;
}

export function withCommonOptions(command: Command): Command {
  return command
    .option('--company <resourceId>', 'scope to this customer and the companies below it (X-KEEPNET-Company-Id)')
    .option('--tz <IANA>', 'time zone that decides "today" (default UTC)')
    .option('--as-of <YYYY-MM-DD>', 'evaluate on this day instead of today')
    .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .option('--output <file>', 'write to this file instead of stdout')
    .option('--page-size <n>', `rows per request (1-${MAX_PAGE_SIZE}, default ${MAX_PAGE_SIZE})`, parsePageSize)
    .option('--config <file>', 'JSON config file (default $XDG_CONFIG_HOME/lapse/config.json)')
    .option('--base-url <url>', 'API base URL (default LAPSE_BASE_URL)');
}

function resolveDay(flags: CommonFlags, now: () => number): { asOf: CalendarDay; timeZone: string } {
  const timeZone = flags.tz ?? 'UTC';
  if (!isValidTimeZone(timeZone)) throw new UsageError(`--tz: unknown time zone "${timeZone}" (use an IANA name)`);
  if (flags.asOf === undefined) return { asOf: dayOf(now(), timeZone), timeZone };
  const asOf = parseDay(flags.asOf);
  if (asOf === undefined) throw new UsageError(`--as-of: "${flags.asOf}" is not a YYYY-MM-DD day`);
  return { asOf, timeZone };
}

async function contextFrom(flags: CommonFlags): Promise<CommandContext> {
  const config = await loadClientConfig(
    { config: flags.config, baseUrl: flags.baseUrl, company: flags.company },
    process.env,
  );
  const { asOf, timeZone } = resolveDay(flags, config.now);
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

/** Runs a command body with a client; any failure is one line on stderr and an exit code from the table. */
export function clientAction<F extends CommonFlags>(
  body: (context: CommandContext, flags: F) => Promise<void>,
): (flags: F) => Promise<void> {
  return async (flags) => {
    let progress: ProgressReporter | undefined;
    try {
      const context = await contextFrom(flags);
      progress = context.progress;
      await body(context, flags);
      progress.stop();
    } catch (error) {
      progress?.stop();
      process.stderr.write(`lapse: ${describeError(error)}\n`);
      process.exitCode = exitCodeFor(error);
    }
  };
}
