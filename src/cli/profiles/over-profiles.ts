// A reader command over several profiles: each profile is read with its own base URL, credential and scope (and
// so its own strategy detection), a few at a time, and the results merged. One profile failing fails the run
// naming it, unless --keep-going: then the others are written and the run exits 7 naming the one that failed.
import type { GroupBy, Listing, RollUp } from '../../client/index.js';
import { forEachBounded } from '../bounded-work.js';
import { type CommandContext, type CommonFlags, listingTarget, profileContext } from '../commands/client-options.js';
import { assertGroupByAlone, type GroupByFlags } from '../commands/group-by.js';
import type { ListingHistoryFlags } from '../commands/history-options.js';
import { explainFailure } from '../connection-failures.js';
import type { Environment } from '../environment.js';
import { describeError, exitCodeFor, PartialResultError, ProfilesFailedError, UsageError } from '../exit-codes.js';
import type { OutputTarget } from '../output/index.js';
import { reportMergedListing } from './merged-listing.js';
import { reportMergedRollUp } from './merged-roll-up.js';
import { chooseProfiles, isOverProfiles, type ProfilesFlags } from './profile-choice.js';

/** Profiles read at once: enough to overlap their round trips, few enough to stay polite to one server. */
export const PROFILE_CONCURRENCY = 4;

export type ProfileFlags = CommonFlags & GroupByFlags & ListingHistoryFlags & ProfilesFlags;

/** One profile's rows: a listing's, or the search's (strategy "search"). */
export interface ProfileListing extends Pick<Listing, 'companies' | 'asOf' | 'timeZone' | 'warnings'> {
  strategy: { name: string; reason: string };
}

/** How a command finds one profile's rows or totals. */
export interface ProfileRun<F> {
  /** What is listed, as a file's facts name it: `expired`, `renewals 30d`, `companies`. */
  name(flags: F): string;
  listing(context: CommandContext, flags: F): Promise<ProfileListing>;
  rollUp(context: CommandContext, flags: F, groupBy: GroupBy): Promise<RollUp>;
}

export type ProfileOutcome<T> =
  | { profile: string; context: CommandContext; value: T }
  | { profile: string; error: unknown };

export const isFailed = <T>(outcome: ProfileOutcome<T>): outcome is { profile: string; error: unknown } =>
  'error' in outcome;

/** `work` for every name, at most `limit` at once, each outcome in the names' order. */
export async function mapBounded<T>(names: readonly string[], limit: number, work: (name: string) => Promise<T>) {
  const outcomes: PromiseSettledResult<T>[] = new Array(names.length);
  await forEachBounded(names, limit, async (name, index) => {
    outcomes[index] = await work(name).then(
      (value): PromiseFulfilledResult<T> => ({ status: 'fulfilled', value }),
      (reason: unknown): PromiseRejectedResult => ({ status: 'rejected', reason }),
    );
  });
  return outcomes;
}

async function readProfiles<T>(
  names: readonly string[],
  contextOf: (name: string) => Promise<CommandContext>,
  read: (context: CommandContext) => Promise<T>,
): Promise<ProfileOutcome<T>[]> {
  const settled = await mapBounded(names, PROFILE_CONCURRENCY, async (name) => {
    const context = await contextOf(name);
    try {
      return { context, value: await read(context) };
    } catch (error) {
      throw explainFailure(error, context.config);
    }
  });
  return settled.map((result, index) => {
    const profile = names[index] as string;
    return result.status === 'fulfilled' ? { profile, ...result.value } : { profile, error: result.reason };
  });
}

/** "profile us: the credential was refused …", one clause per failed profile. */
export function describeFailures(failures: readonly { profile: string; error: unknown }[]): string {
  return failures.map(({ profile, error }) => `profile ${profile}: ${describeError(error)}`).join('; ');
}

function assertCombinable(flags: ProfileFlags): void {
  if (flags.record || flags.lifecycle) {
    throw new UsageError(
      "--profiles and --all-profiles cannot be combined with --record or --lifecycle: a history is one account's",
    );
  }
  assertGroupByAlone(flags);
}

/** Fails the run when a profile failed, unless --keep-going and another profile worked. */
function assertUsable<T>(flags: ProfilesFlags, outcomes: readonly ProfileOutcome<T>[]): void {
  const failures = outcomes.filter(isFailed);
  if (failures.length === 0 || (flags.keepGoing && failures.length < outcomes.length)) return;
  throw new ProfilesFailedError(describeFailures(failures), exitCodeFor(failures[0]?.error));
}

/**
 * Reads every chosen profile (`read`, a few at a time) and hands the outcomes to `write`; a failed profile fails
 * the run before anything is written, unless --keep-going, which writes the rest and then fails with exit 7.
 */
export async function runOverProfiles<T>(
  environment: Environment,
  flags: CommonFlags & ProfilesFlags,
  read: (context: CommandContext) => Promise<T>,
  write: (target: OutputTarget, outcomes: ProfileOutcome<T>[]) => Promise<void>,
): Promise<void> {
  const names = await chooseProfiles(flags, environment);
  const target = await listingTarget(flags, environment);
  const outcomes = await readProfiles(names, (name) => profileContext(flags, name, environment, target), read);
  assertUsable(flags, outcomes);
  await write(target, outcomes);
  const failures = outcomes.filter(isFailed);
  if (failures.length > 0) {
    throw new PartialResultError(
      `${failures.length} of ${names.length} profiles failed: ${describeFailures(failures)}`,
    );
  }
}

/** A listing command's rows, or its roll-up with --group-by, over several profiles, merged. */
export function listingsOverProfiles<F extends ProfileFlags>(
  environment: Environment,
  run: ProfileRun<F>,
): (flags: F) => Promise<void> {
  return async (flags) => {
    assertCombinable(flags);
    const { groupBy } = flags;
    const setting = { flags, environment, listing: run.name(flags) };
    if (groupBy !== undefined) {
      return runOverProfiles(
        environment,
        flags,
        (c) => run.rollUp(c, flags, groupBy),
        (target, outcomes) => reportMergedRollUp(target, outcomes, setting),
      );
    }
    return runOverProfiles(
      environment,
      flags,
      (c) => run.listing(c, flags),
      (target, outcomes) => reportMergedListing(target, outcomes, setting),
    );
  };
}

/** The command's own action, or (--profiles, --all-profiles) `overProfiles`. */
export function overProfilesOr<F extends ProfilesFlags>(
  single: (flags: F) => Promise<void>,
  overProfiles: (flags: F) => Promise<void>,
): (flags: F) => Promise<void> {
  return async (flags) => {
    if (isOverProfiles(flags)) return overProfiles(flags);
    if (flags.keepGoing) throw new UsageError('--keep-going is for --profiles or --all-profiles');
    return single(flags);
  };
}
