// Which profiles a run reads: --profiles a,b,c (in that order) or --all-profiles (the config file's order), each
// checked against the config file before any request.
import type { Command } from 'commander';
import { configPathOf, readConfigFile } from '../config.js';
import type { Environment } from '../environment.js';
import { UsageError } from '../exit-codes.js';

export interface ProfilesFlags {
  config?: string;
  profile?: string;
  profiles?: string[];
  allProfiles?: boolean;
  keepGoing?: boolean;
}

const parseNames = (value: string): string[] => [
  ...new Set(
    value
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== ''),
  ),
];

/** The listing commands' flags for running over several vendor accounts at once. */
export function withProfilesOptions(command: Command): Command {
  return command
    .option(
      '--profiles <names>',
      'read each of these profiles (comma-separated) and merge them, a Profile column first',
      parseNames,
    )
    .option('--all-profiles', 'read every profile of the config file and merge them')
    .option(
      '--keep-going',
      'with --profiles: write what the profiles that worked found, exit 7 naming those that failed',
    );
}

export function isOverProfiles(flags: ProfilesFlags): boolean {
  return flags.profiles !== undefined || flags.allProfiles === true;
}

/** The profiles to read, in order; unknown names and contradicting flags are refused. */
export async function chooseProfiles(flags: ProfilesFlags, environment: Environment): Promise<string[]> {
  if (flags.profiles !== undefined && flags.allProfiles) {
    throw new UsageError('--profiles and --all-profiles cannot be combined: name the profiles, or take them all');
  }
  if (flags.profile !== undefined) {
    throw new UsageError('--profile chooses one account; with --profiles or --all-profiles leave it out');
  }
  const path = configPathOf(flags, environment);
  const file = await readConfigFile(path, flags.config !== undefined);
  const known = Object.keys(file.profiles);
  if (flags.allProfiles) {
    if (known.length === 0) throw new UsageError(`--all-profiles: config file ${path} has no profiles`);
    return known;
  }
  const names = flags.profiles ?? [];
  if (names.length === 0) throw new UsageError('--profiles: name at least one profile (a,b,c)');
  const unknown = names.filter((name) => !Object.hasOwn(file.profiles, name));
  if (unknown.length > 0) {
    const listed = known.length === 0 ? 'it has none' : `profiles: ${known.join(', ')}`;
    throw new UsageError(
      `--profiles: config file ${path} has no profile ${unknown.map((n) => `"${n}"`).join(', ')} (${listed})`,
    );
  }
  return names;
}
