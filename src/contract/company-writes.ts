// contract §10: POST /api/companies and PUT /api/companies/{resourceId}, in the vendor's form fields (§9). The same
// property names come as multipart/form-data (every value a string, arrays as repeated fields) or as JSON.
import { type Static, Type } from '@sinclair/typebox';
import type { CompanyDto } from './company-dto.js';

const Text = (maxLength: number) => Type.String({ maxLength });
const Ids = () => Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 });

const Opt = Type.Optional;

/** Fields lapse stores; the vendor's others are accepted and left unstored (docs/decisions.md). Required as the
 * vendor's document requires them; '' in a catalogue, date or zone field means none (lapse holds companies
 * without them). */
const storedFields = {
  Name: Type.String({ minLength: 1, maxLength: 64 }),
  Description: Opt(Text(300)),
  IndustryResourceId: Text(64),
  CountryResourceId: Text(64),
  LicenseTypeResourceId: Text(64),
  LicensePeriodTypeResourceId: Text(64),
  /** A YYYY-MM-DD day or an ISO-8601 date-time. */
  LicenseStartDate: Opt(Text(40)),
  /** The renewal date; '' for an open-ended licence. */
  LicenseEndDate: Opt(Text(40)),
  IsNumberOfUsersLimited: Opt(Type.Boolean()),
  NumberOfUsers: Type.Integer({ minimum: 0, maximum: 2_147_483_647 }),
  StatusId: Opt(Type.Integer()),
  /** An IANA time zone. */
  TimeZoneId: Text(64),
  DateFormat: Text(32),
  TimeFormat: Text(32),
  Tags: Opt(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 50 })),
};

const unstoredFields = {
  LogoUrl: Opt(Text(2000)),
  Address: Opt(Text(200)),
  WebsiteUrl: Opt(Text(2000)),
  LicenseModuleResourceIdArray: Opt(Ids()),
  NotificationTemplateTypeResourceId: Opt(Text(64)),
  TrainingContentTypeResourceId: Opt(Text(64)),
  SmtpConfigurationTypeResourceId: Opt(Text(64)),
  PreferredLanguageTypeResourceId: Opt(Text(64)),
  IsVersionVisible: Opt(Type.Boolean()),
  IsReleaseNotesVisible: Opt(Type.Boolean()),
  ReleaseNotesUrl: Opt(Text(2000)),
  CompanyGroupResourceIdArray: Opt(Ids()),
  BaseManHourCost: Opt(Type.Integer()),
  BaseManHour: Opt(Type.Integer()),
  CallBackNumberBookingCount: Opt(Type.Integer()),
};

export const CompanyWriteBodySchema = Type.Object(
  { ...storedFields, ...unstoredFields },
  { additionalProperties: false },
);
export type CompanyWriteBody = Static<typeof CompanyWriteBodySchema>;

/** The field names of a write, for matching a body's keys case-insensitively. */
export const COMPANY_WRITE_FIELDS = Object.keys(CompanyWriteBodySchema.properties) as (keyof CompanyWriteBody)[];

/**
 * Fields a Company Admin may not change on its own company: the licence is the reseller's to sell (the vendor's
 * Company Admin edits its company's settings, not what it bought). Sending them unchanged is allowed, since a PUT
 * carries every required field.
 */
export const LICENCE_WRITE_FIELDS = [
  'LicenseTypeResourceId',
  'LicensePeriodTypeResourceId',
  'LicenseStartDate',
  'LicenseEndDate',
  'IsNumberOfUsersLimited',
  'NumberOfUsers',
  'StatusId',
] as const satisfies readonly (keyof CompanyWriteBody)[];

/** The logo file of a multipart write: at most this large, and one of these types. */
export const COMPANY_LOGO_LIMITS = {
  maxBytes: 1024 * 1024,
  contentTypes: ['image/png', 'image/jpeg', 'image/gif', 'image/svg+xml', 'image/webp'],
} as const;

/** The full write body that leaves a company as `company` shows it: what a PUT that changes one field starts from. */
export function companyWriteBodyOf(company: CompanyDto): CompanyWriteBody {
  return {
    Name: company.name,
    Description: company.description ?? '',
    IndustryResourceId: company.industryResourceId ?? '',
    CountryResourceId: company.countryResourceId ?? '',
    LicenseTypeResourceId: company.licenseTypeResourceId ?? '',
    LicensePeriodTypeResourceId: company.licensePeriodTypeResourceId ?? '',
    LicenseStartDate: company.licenseStartDate ?? '',
    LicenseEndDate: company.licenseEndDate ?? '',
    IsNumberOfUsersLimited: company.isNumberOfUsersLimited,
    NumberOfUsers: company.numberOfUsers,
    ...(company.statusId !== null && { StatusId: company.statusId }),
    TimeZoneId: company.timeZoneId ?? '',
    DateFormat: company.dateFormat ?? '',
    TimeFormat: company.timeFormat ?? '',
    Tags: [...company.tags],
  };
}

/** The company statuses lapse stores (CompanyDto statusId / statusName). */
export const COMPANY_STATUSES = [
  { id: 1, name: 'Active' },
  { id: 2, name: 'Passive' },
] as const;

/** contract §10: the vendor's IdResult, what every write answers. */
export const IdResultSchema = Type.Object(
  { resourceId: Type.Union([Type.String(), Type.Null()]) },
  { additionalProperties: false },
);
export type IdResult = Static<typeof IdResultSchema>;
