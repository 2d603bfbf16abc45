// One company's generated licence, usage and profile, spread so every search filter and sort has work to do:
// renewal dates relative to `today` (≈28% expired, most of them recently; the coming year evenly), instants
// off UTC midnight, unlimited and exceeded licences, tags and empty catalogue references.
import { DAY_MS } from '../../contract/index.js';
import type { CompanyFields } from '../admin/index.js';
import type { SeedCatalogue } from './catalogue.js';
import { profileOf } from './company-profile.js';
import type { Random } from './random.js';

const MINUTE_MS = 60_000;

const TAGS = [
  'priority',
  'billing review',
  'EMEA',
  'APAC',
  'Americas',
  'VIP',
  'on hold',
  'auto-renew',
  'Übergang',
  'needs follow-up',
  'education',
  'partner,gold',
  'net-30',
  'Québec',
];

const TIME_ZONES = [
  'UTC',
  'Europe/London',
  'Europe/Berlin',
  'Europe/Istanbul',
  'America/New_York',
  'America/Chicago',
  'America/Los_Angeles',
  'America/Sao_Paulo',
  'Asia/Tokyo',
  'Asia/Kolkata',
  'Asia/Singapore',
  'Australia/Sydney',
  'Pacific/Auckland',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
];

const USER_LIMITS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

// Times of day other than midnight, so a renewal "day" and a renewal "instant" differ (23:30Z is still that day).
const OFF_MIDNIGHT_MS = [23 * 60 + 30, 12 * 60, 30, 18 * 60 + 45, 6 * 60].map((minutes) => minutes * MINUTE_MS);

/**
 * The renewal day as days from today (null: open-ended). Renewals fall on licence anniversaries, so the coming
 * year is spread evenly; lapses are mostly recent (a customer who lets a licence lapse usually renews or leaves
 * within a quarter), with a tail up to two years back. A few renew today, so contract §4's edge (renewing today is
 * not yet expired) always has rows. The shares are in docs/seed-renewals.md; the shape tests check them.
 */
function renewalDayOffset(random: Random): number | null {
  const draw = random.next();
  if (draw < 0.05) return null;
  if (draw < 0.17) return -random.integer(1, 90); // lapsed this quarter
  if (draw < 0.27) return -random.integer(91, 365); // lapsed earlier this year
  if (draw < 0.33) return -random.integer(366, 730); // lapsed last year
  if (draw < 0.335) return 0;
  if (draw < 0.885) return random.integer(1, 365); // renewing in the coming year, evenly
  return random.integer(366, 1095); // three-year licences renewing later
}

function renewalInstant(random: Random, todayStart: number): number | null {
  const offset = renewalDayOffset(random);
  if (offset === null) return null;
  return todayStart + offset * DAY_MS + (random.chance(0.85) ? 0 : random.pick(OFF_MIDNIGHT_MS));
}

function userCounts(random: Random) {
  const isNumberOfUsersLimited = random.chance(0.9);
  const numberOfUsers = isNumberOfUsersLimited ? random.pick(USER_LIMITS) : 0;
  const targetUserCount = !isNumberOfUsersLimited
    ? random.integer(0, 5000)
    : random.chance(0.08)
      ? numberOfUsers + random.integer(1, Math.max(1, Math.floor(numberOfUsers / 4)))
      : random.integer(0, numberOfUsers);
  return {
    isNumberOfUsersLimited,
    numberOfUsers,
    targetUserCount,
    inactiveTargetUserCount: random.integer(0, Math.floor(targetUserCount / 5)),
    deletedTargetUserCount: random.integer(0, Math.floor(targetUserCount / 10)),
    monthlyActiveUserCount: random.integer(0, targetUserCount),
  };
}

/**
 * One licence in five runs for three years (contract §6 period types), told by its renewal day rather than by a
 * new draw, so every other generated value stays as it was.
 */
const licenceYears = (licenseEndAt: number) => (Math.floor(licenseEndAt / DAY_MS) % 5 === 0 ? 3 : 1);

/** `todayStart`: epoch ms of today's UTC midnight (dayStartUtc), computed once by the caller. */
export function generateCompanyFields(
  random: Random,
  catalogue: SeedCatalogue,
  todayStart: number,
  identity: { resourceId: string; name: string },
): CompanyFields {
  const licenseEndAt = renewalInstant(random, todayStart);
  const licenseStartAt =
    licenseEndAt === null
      ? todayStart - random.integer(30, 1500) * DAY_MS
      : licenseEndAt - licenceYears(licenseEndAt) * 365 * DAY_MS;
  const industry = random.chance(0.97) ? random.pick(catalogue.industries) : null;
  const licenseType = random.chance(0.98) ? random.pick(catalogue.licenseTypes) : null;
  const users = userCounts(random);
  const fields: CompanyFields = {
    resourceId: identity.resourceId,
    name: identity.name,
    industry,
    licenseType,
    isNumberOfUsersLimited: users.isNumberOfUsersLimited,
    numberOfUsers: users.numberOfUsers,
    targetUserCount: users.targetUserCount,
    inactiveTargetUserCount: users.inactiveTargetUserCount,
    deletedTargetUserCount: users.deletedTargetUserCount,
    monthlyActiveUserCount: users.monthlyActiveUserCount,
    licenseStartAt,
    licenseEndAt,
    createdAt: Math.min(licenseStartAt, todayStart) - random.integer(1, 1500) * DAY_MS + random.integer(0, DAY_MS - 1),
    tags: random.pickDistinct(TAGS, random.integer(0, 4)),
    privacyDurationId: random.integer(1, 5),
    timeZoneId: random.chance(0.95) ? random.pick(TIME_ZONES) : null,
  };
  fields.profile = profileOf(fields, todayStart);
  return fields;
}
