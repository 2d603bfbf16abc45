// Running a listing command over several profiles (vendor accounts) at once and merging what they find.
export { overProfilesOr, PROFILE_CONCURRENCY, type ProfileListing, type ProfileRun } from './over-profiles.js';
export { isOverProfiles, type ProfilesFlags, withProfilesOptions } from './profile-choice.js';
