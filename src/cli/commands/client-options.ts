// The flags the reseller commands take, in groups (connection, day, output, listing), parsed once into a typed
// context. The output destination is checked before the first request.
import { type Command, Option } from 'commander';
import {
  createClient,
  type LapseClient,
  type ListingOptions,
  looksLikeResourceId,
  resolveCompany,
} from '../../client/index.js';
import { type CalendarDay, MAX_PAGE_SIZE, resolveAsOf } from '../../contract/index.js';
import { type ClientConfig, loadClientConfig } from '../config.js';
import { explainFailure, retryNotices } from '../connection-failures.js';
import type { Environment } from '../environment.js';
import { integerOption } from '../integer-option.js';
import { OUTPUT_FORMATS, type OutputFormat, type OutputTarget, resolveTarget } from '../output/index.js';
import { createProgress, type ProgressReporter } from '../progress.js';

export interface ConnectionFlags {
  company?: string;
  config?: string;
  baseUrl?: string;
  profile?: string;
}

export interface CommonFlags extends ConnectionFlags {
  tz?: string;
  asOf?: string;
  /** table, json, csv or xlsx; `lapse export` takes csv or xlsx, or the output name's extension. */
  format?: OutputFormat;
  output?: string;
  pageSize?: number;
  limit?: number;
}

export interface CommandContext {
  client: LapseClient;
  config: ClientConfig;
  target: OutputTarget;
  /** The day D and its zone, for listings and for the "days left" column. */
  asOf: CalendarDay;
  timeZone: string;
  /** What the listing covers, in words, for the table's footer. */
  scope: string;
  /** At most this many rows are written (--limit). */
  limit: number | undefined;
  listingOptions: ListingOptions;
  progress: ProgressReporter;
  warn(message: string): void;
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current !== null; current = current.parent) names.unshift(current.name());
  return names.join(' ');
}

/** A refused flag prints its one line and the command's usage line, not the whole help. */
export function withShortUsage(command: Command): Command {
  return command.showHelpAfterError(false).configureOutput({
    outputError: (text, write) => write(`${text}usage: ${commandPath(command)} ${command.usage()} (see --help)\n`),
  });
}

/** withShortUsage on a command and on every command below it (the server's commands and admin's included). */
export function withShortUsageThroughout(command: Command): Command {
  withShortUsage(command);
  for (const subcommand of command.commands) withShortUsageThroughout(subcommand);
  return command;
}

/** Which API, which credential, which customer: every command that talks to the API takes these. */
export function withConnectionOptions(command: Command): Command {
  return withShortUsage(command)
    .option(
      '--company <company>',
      'scope to this customer (resource id or exact name) and the companies below it (default LAPSE_COMPANY_ID)',
    )
    .option(
      '--config <file>',
      'JSON config file (default $XDG_CONFIG_HOME/lapse/config.json); the credential comes from LAPSE_CLIENT_ID and LAPSE_CLIENT_SECRET or this file',
    )
    .option('--base-url <url>', 'API base URL, without /api (default LAPSE_BASE_URL)')
    .option('--profile <name>', "the config file's profile of this name: one vendor account (default LAPSE_PROFILE)");
}

export function withDayOptions(command: Command): Command {
  return command
    .option('--tz <IANA>', 'time zone that decides "today" (default UTC)')
    .option('--as-of <YYYY-MM-DD>', 'evaluate on this day instead of today');
}

export function withListingOptions(command: Command): Command {
  return command
    .option(
      '--page-size <n>',
      `rows per request (1-${MAX_PAGE_SIZE}, default ${MAX_PAGE_SIZE})`,
      integerOption({ min: 1, max: MAX_PAGE_SIZE }),
    )
    .option('--limit <n>', 'write at most this many companies', integerOption({ min: 1 }));
}

export function withCommonOptions(command: Command): Command {
  return withListingOptions(
    withDayOptions(withConnectionOptions(command))
      .addOption(new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
      .option('--output <file>', 'write to this file (- for stdout) instead of stdout'),
  );
}

/** The terminal's width for a table on stdout: the terminal's own, else $COLUMNS. */
export function terminalWidth(environment: Environment): number | undefined {
  if (process.stdout.isTTY && process.stdout.columns > 0) return process.stdout.columns;
  const columns = Number(environment.COLUMNS);
  return Number.isInteger(columns) && columns > 0 ? columns : undefined;
}

/** The configuration and a client for it; retries are shown as they happen when stderr is a terminal. */
export async function connect(
  flags: ConnectionFlags,
  environment: Environment,
): Promise<{ config: ClientConfig; client: LapseClient }> {
  const config = await loadClientConfig(
    { config: flags.config, baseUrl: flags.baseUrl, company: flags.company, profile: flags.profile },
    environment,
  );
  const onRetry = process.stderr.isTTY ? retryNotices(config, (line) => process.stderr.write(line)) : undefined;
  const clientFor = (companyId: string | undefined) =>
    createClient({
      baseUrl: config.baseUrl,
      clientId: config.clientId,
      clientSecret: config.clientSecret,
      companyId,
      now: config.now,
      retry: { onRetry },
    });
  // --company may name the customer; the header carries its resource id.
  const { companyId } = config;
  if (companyId === undefined || looksLikeResourceId(companyId)) return { config, client: clientFor(companyId) };
  const named = await resolveCompany(clientFor(undefined).companies, companyId).catch((error: unknown) => {
    throw explainFailure(error, config);
  });
  const resolved = { ...config, companyId: named.resourceId };
  return { config: resolved, client: clientFor(resolved.companyId) };
}

export function describeScope(config: ClientConfig): string {
  return config.companyId === undefined ? 'every company the credential sees' : `${config.companyId} and below`;
}

export interface TargetSetting {
  environment: Environment;
  config: ClientConfig;
  asOf: CalendarDay;
}

/** How a command's output target is chosen; the listing commands take --format and --output as they are. */
export type TargetOf<F> = (flags: F, setting: TargetSetting) => Promise<OutputTarget>;

const targetFromFlags: TargetOf<CommonFlags> = (flags, { environment }) => listingTarget(flags, environment);

/** A command's context for one connection, writing to a target already checked. */
function contextOf(
  flags: CommonFlags,
  connection: { config: ClientConfig; client: LapseClient },
  target: OutputTarget,
  progress: ProgressReporter,
): CommandContext {
  const { config, client } = connection;
  const { asOf, timeZone } = resolveAsOf({ asOf: flags.asOf, timeZone: flags.tz }, config.now);
  return {
    client,
    config,
    target,
    asOf,
    timeZone,
    scope: describeScope(config),
    limit: flags.limit,
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

async function contextFrom<F extends CommonFlags>(
  flags: F,
  environment: Environment,
  targetOf: TargetOf<F>,
): Promise<CommandContext> {
  const connection = await connect(flags, environment);
  const { asOf } = resolveAsOf({ asOf: flags.asOf, timeZone: flags.tz }, connection.config.now);
  const target = await targetOf(flags, { environment, config: connection.config, asOf });
  return contextOf(flags, connection, target, createProgress());
}

const NO_PROGRESS: ProgressReporter = { update() {}, stop() {} };

/**
 * The context of one profile among several run at once: its own base URL, credential and scope, the target
 * shared and checked before; no progress bar (several would overwrite each other's line).
 */
export async function profileContext(
  flags: CommonFlags,
  profile: string,
  environment: Environment,
  target: OutputTarget,
): Promise<CommandContext> {
  const connection = await connect({ ...flags, profile }, environment);
  return contextOf(flags, connection, target, NO_PROGRESS);
}

/** The output target as the listing commands take it: --format and --output. */
export function listingTarget(flags: CommonFlags, environment: Environment): Promise<OutputTarget> {
  return resolveTarget(flags.format ?? 'table', flags.output, terminalWidth(environment));
}

/** Runs a command body with a client; the progress bar is gone before any error is reported. */
export function clientAction<F extends CommonFlags>(
  environment: Environment,
  body: (context: CommandContext, flags: F) => Promise<void>,
  targetOf: TargetOf<F> = targetFromFlags,
): (flags: F) => Promise<void> {
  return async (flags) => {
    const context = await contextFrom(flags, environment, targetOf);
    try {
      await body(context, flags);
    } catch (error) {
      throw explainFailure(error, context.config);
    } finally {
      context.progress.stop();
    }
  };
}
