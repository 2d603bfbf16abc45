// contract §4 (SearchCompanyDto, the search page) and §6 (CompanyDto, the /my tree), in the vendor's shapes (§9):
// the vendor's schemas allow no properties beyond their own, and neither do these.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import './formats.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
/** An instant as ISO-8601 text in UTC (`Date#toISOString()`). */
const DateTime = (description?: string) => Type.String({ format: 'date-time', ...(description && { description }) });
const closed = { additionalProperties: false } as const;

const searchCompanyFields = {
  companyResourceId: Type.String(),
  companyName: Type.String(),
  resellerName: Nullable(Type.String()),
  industryName: Nullable(Type.String()),
  industryResourceId: Nullable(Type.String()),
  licenseTypeName: Nullable(Type.String()),
  licenseTypeResourceId: Nullable(Type.String()),
  isNumberOfUsersLimited: Type.Boolean(),
  numberOfUsers: Type.String({ description: 'the licence limit; a string, as the vendor sends it' }),
  licenceExpired: Type.Boolean(),
  licenseEndDate: Nullable(DateTime('renewal date, ISO-8601 UTC date-time')),
  createTime: DateTime(),
  targetUserCount: Type.Integer(),
  inactiveTargetUserCount: Type.Integer(),
  deletedTargetUserCount: Type.Integer(),
  monthlyActiveUserCount: Type.Integer(),
  tags: Type.Array(Type.String()),
  privacyDurationId: Type.Integer(),
};

/** A company as a flat search page lists it, and as a clustered page lists a reseller's children. */
export const SearchCompanyChildSchema = Type.Object({ ...searchCompanyFields, children: Type.Null() }, closed);

export const SearchCompanyDtoSchema = Type.Object(
  { ...searchCompanyFields, children: Nullable(Type.Array(SearchCompanyChildSchema)) },
  closed,
);

export interface SearchCompanyDto extends Omit<Static<typeof SearchCompanyChildSchema>, 'children'> {
  children: SearchCompanyDto[] | null;
}

export const SearchPageSchema = Type.Object(
  {
    pageNumber: Type.Integer(),
    pageSize: Type.Integer(),
    totalNumberOfRecords: Type.Integer(),
    totalNumberOfPages: Type.Integer(),
    limitExceededCompanyCount: Type.Integer(),
    results: Type.Array(SearchCompanyDtoSchema),
  },
  closed,
);

export interface SearchPage {
  pageNumber: number;
  pageSize: number;
  totalNumberOfRecords: number;
  totalNumberOfPages: number;
  limitExceededCompanyCount: number;
  results: SearchCompanyDto[];
}

/**
 * contract §6: the vendor's CompanyDto, the fields a reseller uses (the vendor's others, such as SMTP and
 * training settings, lapse does not hold and leaves out; none is required). The parent is `parentId`.
 */
export const CompanyDtoSchema = Type.Object(
  {
    resourceId: Type.String(),
    name: Type.String(),
    description: Nullable(Type.String()),
    industryResourceId: Nullable(Type.String()),
    industryName: Nullable(Type.String()),
    countryResourceId: Nullable(Type.String()),
    countryName: Nullable(Type.String()),
    countryCode: Nullable(Type.String()),
    licenseTypeResourceId: Nullable(Type.String()),
    licenseTypeName: Nullable(Type.String()),
    licensePeriodTypeResourceId: Nullable(Type.String()),
    licensePeriodTypeName: Nullable(Type.String()),
    licenseStartDate: Nullable(DateTime()),
    licenseEndDate: Nullable(DateTime('renewal date, ISO-8601 UTC date-time')),
    isNumberOfUsersLimited: Type.Boolean(),
    numberOfUsers: Type.Integer({ description: 'the licence limit; an int here, unlike the search DTO' }),
    parentId: Nullable(Type.Integer({ description: "the parent company's id; null for the platform" })),
    statusId: Nullable(Type.Integer()),
    statusName: Nullable(Type.String()),
    licenseModules: Type.Array(Type.String()),
    targetUserCount: Type.Integer(),
    timeZoneId: Nullable(Type.String()),
    dateFormat: Nullable(Type.String()),
    timeFormat: Nullable(Type.String()),
    tags: Type.Array(Type.String()),
  },
  closed,
);
export type CompanyDto = Static<typeof CompanyDtoSchema>;

export interface MyCompanyNode {
  name: string;
  resourceId: string;
  licenceExpired: boolean;
  children: MyCompanyNode[];
}

export const MyCompanyNodeSchema = Type.Recursive(
  (self) =>
    Type.Object(
      {
        name: Type.String(),
        resourceId: Type.String(),
        licenceExpired: Type.Boolean(),
        children: Type.Array(self),
      },
      closed,
    ),
  { $id: 'MyCompanyNode' },
);

/** contract §3: resource ids are opaque 12-character strings. */
export const RESOURCE_ID_PATTERN = /^[A-Za-z0-9]{12}$/;
