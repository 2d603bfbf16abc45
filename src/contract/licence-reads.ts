// contract §10: the licence reads in the vendor's shapes (§9: its schemas, `additionalProperties: false`):
// a company's licence check, the expiry date its licence period gives a start date, and the licence lookups.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { DAY_MS } from './calendar-day.js';
import { LICENSE_MODULES } from './license-modules.js';
import './formats.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const closed = { additionalProperties: false } as const;

/** The vendor's CheckCompanyLicenseDto. */
export const LicenseCheckSchema = Type.Object(
  {
    isLimited: Type.Boolean(),
    licenseLimit: Nullable(Type.Integer({ description: 'the licence limit; null when not limited' })),
    activeUserCount: Type.Integer({ description: 'active target users' }),
    totalUserCount: Type.Integer({ description: 'active and inactive target users' }),
    isLicenseExceeded: Type.Boolean({ description: 'limited, and more active target users than the limit' }),
  },
  closed,
);
export type LicenseCheck = Static<typeof LicenseCheckSchema>;

/** The vendor's GetCompanyLicenseExpiryDateRequest; the start date is required here (nothing follows without it). */
export const LicenseExpiryDateRequestSchema = Type.Object(
  {
    licenseStartDate: Type.String({
      description: 'YYYY-MM-DD, or a date-time with Z, an offset or no zone (read as UTC)',
      maxLength: 64,
    }),
  },
  closed,
);
export type LicenseExpiryDateRequest = Static<typeof LicenseExpiryDateRequestSchema>;

/** The vendor's GetCompanyLicenseExpiryDateDto. */
export const LicenseExpiryDateSchema = Type.Object(
  {
    licenseExpiryDate: Nullable(
      Type.String({ format: 'date-time', description: 'null when the period type sets no rule (Custom)' }),
    ),
  },
  closed,
);
export type LicenseExpiryDate = Static<typeof LicenseExpiryDateSchema>;

/** The vendor's LicenseModuleDto. */
export const LicenseModuleSchema = Type.Object(
  {
    resourceId: Type.String(),
    name: Type.String(),
    isAvailable: Type.Boolean({ description: 'whether the licence includes the module (in allLicenseModules: true)' }),
  },
  closed,
);
export type LicenseModule = Static<typeof LicenseModuleSchema>;

/** The vendor's LicenseDto. */
export const LicenseLookupEntrySchema = Type.Object(
  { resourceId: Type.String(), name: Type.String(), licenseModules: Type.Array(LicenseModuleSchema) },
  closed,
);

/** The vendor's Lookup License: the licence types with their modules, and every module. */
export const LicenseLookupsSchema = Type.Object(
  { licenses: Type.Array(LicenseLookupEntrySchema), allLicenseModules: Type.Array(LicenseModuleSchema) },
  closed,
);
export type LicenseLookups = Static<typeof LicenseLookupsSchema>;

/**
 * The vendor's licence period types (its UI: one year is start + 365 days, three years start + 3 × 365 days;
 * Custom takes an explicit end, so no rule gives one).
 */
export const LICENSE_PERIOD_TYPES = {
  oneYear: { resourceId: 'period1Year0', name: '1 Year', days: 365 },
  threeYears: { resourceId: 'period3Years', name: '3 Years', days: 3 * 365 },
  custom: { resourceId: 'periodCustom', name: 'Custom', days: null },
} as const;

export type LicensePeriodType = (typeof LICENSE_PERIOD_TYPES)[keyof typeof LICENSE_PERIOD_TYPES];

/** The period type a company stores, by resource id, else by name (case-insensitive); undefined when neither. */
export function licensePeriodTypeOf(resourceId: string | null, name: string | null): LicensePeriodType | undefined {
  const types = Object.values(LICENSE_PERIOD_TYPES);
  return (
    types.find((type) => type.resourceId === resourceId) ??
    types.find((type) => name !== null && type.name.toLowerCase() === name.trim().toLowerCase())
  );
}

/** The expiry instant a licence starting at `startMs` gets from its period type; null when the type sets none. */
export function licenseExpiryOf(startMs: number, periodType: LicensePeriodType | undefined): number | null {
  return periodType?.days == null ? null : startMs + periodType.days * DAY_MS;
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/**
 * A licence module's resource id: the catalogue's (license-modules.ts, the ids ModuleResourceId filters on) for
 * the modules it lists; for any other stored name, derived from the name (FNV-1a over its UTF-16 code units, twice
 * with two offsets, as 12 base-62 characters), so the same name gives the same id on every instance and database.
 */
export function licenseModuleResourceIdOf(name: string): string {
  const listed = LICENSE_MODULES.find((module) => module.name === name);
  if (listed !== undefined) return listed.resourceId;
  let high = 0x811c9dc5;
  let low = 0x050c5d1f;
  for (let at = 0; at < name.length; at++) {
    const code = name.charCodeAt(at);
    high = Math.imul(high ^ code, 0x01000193) >>> 0;
    low = Math.imul(low ^ code, 0x01000193) >>> 0;
  }
  let value = BigInt(high) * 2n ** 32n + BigInt(low);
  let id = '';
  for (let at = 0; at < 12; at++) {
    id = BASE62[Number(value % 62n)] + id;
    value /= 62n;
  }
  return id;
}
