// contract §4 (SearchCompanyDto, the search page) and §6 (CompanyDto, the /my tree).
import { type Static, type TSchema, Type } from '@sinclair/typebox';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

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
  licenseEndDate: Nullable(Type.String({ description: 'renewal date, ISO-8601 UTC date-time' })),
  createTime: Type.String(),
  targetUserCount: Type.Integer(),
  inactiveTargetUserCount: Type.Integer(),
  deletedTargetUserCount: Type.Integer(),
  monthlyActiveUserCount: Type.Integer(),
  tags: Type.Array(Type.String()),
  privacyDurationId: Type.Integer(),
};

const SearchCompanyChildSchema = Type.Object({ ...searchCompanyFields, children: Type.Null() });

export const SearchCompanyDtoSchema = Type.Object({
  ...searchCompanyFields,
  children: Nullable(Type.Array(SearchCompanyChildSchema)),
});

export interface SearchCompanyDto extends Omit<Static<typeof SearchCompanyChildSchema>, 'children'> {
  children: SearchCompanyDto[] | null;
}

export const SearchPageSchema = Type.Object({
  pageNumber: Type.Integer(),
  pageSize: Type.Integer(),
  totalNumberOfRecords: Type.Integer(),
  totalNumberOfPages: Type.Integer(),
  limitExceededCompanyCount: Type.Integer(),
  results: Type.Array(SearchCompanyDtoSchema),
});

export interface SearchPage {
  pageNumber: number;
  pageSize: number;
  totalNumberOfRecords: number;
  totalNumberOfPages: number;
  limitExceededCompanyCount: number;
  results: SearchCompanyDto[];
}

export const CompanyDtoSchema = Type.Object({
  resourceId: Type.String(),
  name: Type.String(),
  licenseTypeName: Nullable(Type.String()),
  licenseStartDate: Nullable(Type.String()),
  licenseEndDate: Nullable(Type.String()),
  isNumberOfUsersLimited: Type.Boolean(),
  numberOfUsers: Type.Integer(),
  targetUserCount: Type.Integer(),
  timeZoneId: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  parentResourceId: Nullable(Type.String()),
});
export type CompanyDto = Static<typeof CompanyDtoSchema>;

export interface MyCompanyNode {
  name: string;
  resourceId: string;
  licenceExpired: boolean;
  children: MyCompanyNode[];
}

export const MyCompanyNodeSchema = Type.Recursive(
  (self) =>
    Type.Object({
      name: Type.String(),
      resourceId: Type.String(),
      licenceExpired: Type.Boolean(),
      children: Type.Array(self),
    }),
  { $id: 'MyCompanyNode' },
);

/** contract §3: resource ids are opaque 12-character strings. */
export const RESOURCE_ID_PATTERN = /^[A-Za-z0-9]{12}$/;
