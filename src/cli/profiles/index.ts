// Running a listing command over several profiles (vendor accounts) at once and merging what they find.

export { PROFILE_HEAD } from './merged-listing.js';
export { ALL_PROFILES } from './merged-roll-up.js';
export {
  isFailed,
  listingsOverProfiles,
  overProfilesOr,
  PROFILE_CONCURRENCY,
  type ProfileListing,
  type ProfileOutcome,
  type ProfileRun,
  runOverProfiles,
} from './over-profiles.js';
export { isOverProfiles, type ProfilesFlags, withProfilesOptions } from './profile-choice.js';
