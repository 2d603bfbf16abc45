// What a file merged from several profiles says about itself (About sheet, CSV manifest): each profile's facts as
// its file alone would give them, merged. A fact every profile gives alike is said once; the others, and each
// profile's own rows and matched, under `profiles`, with why a profile failed (--keep-going). Rows, matched,
// columns and generatedAt are the merged file's own.
import { describeError } from '../exit-codes.js';
import type { FileFacts, MergedFileFacts, ProfileFacts } from '../output/index.js';

export type FileOwnFacts = Pick<FileFacts, 'rows' | 'matched' | 'columns' | 'generatedAt'>;

export type ProfileFileFacts = { profile: string; facts: FileFacts } | { profile: string; error: unknown };

/** Facts said per profile even when the profiles agree: each one's share of the file. */
const PER_PROFILE = new Set<string>(['rows', 'matched']);

const isSame = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function mergedFactsOf(profiles: readonly ProfileFileFacts[], file: FileOwnFacts): MergedFileFacts {
  const worked = profiles.flatMap((entry) => ('facts' in entry ? [entry.facts] : []));
  const [first] = worked;
  if (first === undefined) throw new RangeError('a merged file needs a profile that worked');
  // Every fact any profile gives, in the order they first appear: one a later profile alone gives is kept too.
  const keys = [...new Set(worked.flatMap((facts) => Object.keys(facts)))] as (keyof FileFacts)[];
  const isShared = (key: keyof FileFacts) =>
    !PER_PROFILE.has(key) && worked.every((facts) => isSame(facts[key], first[key]));
  const ofFile = (key: string): key is keyof FileOwnFacts => key in file;
  const entryOf = (key: keyof FileFacts): [string, unknown][] =>
    ofFile(key) ? [[key, file[key]]] : isShared(key) ? [[key, first[key]]] : [];
  // In the order a profile's own file says them.
  const facts = Object.fromEntries(keys.flatMap(entryOf)) as Partial<FileFacts>;
  const ownKeys = keys.filter((key) => PER_PROFILE.has(key) || (!ofFile(key) && !isShared(key)));
  const perProfile = profiles.map((entry): ProfileFacts => {
    if (!('facts' in entry)) return { profile: entry.profile, error: describeError(entry.error) };
    return { profile: entry.profile, ...Object.fromEntries(ownKeys.map((key) => [key, entry.facts[key]])) };
  });
  return { ...facts, ...file, listing: first.listing, profiles: perProfile };
}
