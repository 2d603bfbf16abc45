// contract §10: a customer's REST API clients (/api/companies/clients*) and the roles they may hold (/api/roles),
// in the vendor's shapes (§9). Request property names are accepted in any case, as the search body's are.
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { FilterSchema } from './search-body.js';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const closed = { additionalProperties: false } as const;

/** statusId of a client: 1 gets tokens, 2 (Passive) is refused at /connect/token. */
export const CLIENT_STATUSES = [
  { id: 1, name: 'Active' },
  { id: 2, name: 'Passive' },
] as const;
export const ACTIVE_CLIENT_STATUS = 1;

/** POST /api/companies/clients and PUT /api/companies/clients/{resourceId} (the vendor's two are the same). */
export const ClientWriteBodySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    clientId: Type.String({ minLength: 1, maxLength: 32 }),
    clientSecret: Type.String({ minLength: 1, maxLength: 100 }),
    statusId: Type.Integer(),
    hasIpAddressRestriction: Type.Optional(Type.Boolean()),
    allowedIpAddresses: Type.Optional(Nullable(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 }))),
    roleResourceIdList: Type.Optional(Nullable(Type.Array(Type.String({ maxLength: 64 }), { maxItems: 10 }))),
  },
  closed,
);
export type ClientWriteBody = Static<typeof ClientWriteBodySchema>;
export const CLIENT_WRITE_FIELDS = Object.keys(ClientWriteBodySchema.properties) as (keyof ClientWriteBody)[];

/** The vendor's ClientDto; `clientSecret` is always null: the secret is never stored, only its hash. */
export const ClientDtoSchema = Type.Object(
  {
    resourceId: Type.String(),
    name: Nullable(Type.String()),
    clientId: Type.String(),
    clientSecret: Type.Null(),
    statusId: Type.Integer(),
    statusName: Type.String(),
    hasIpAddressRestriction: Type.Boolean(),
    allowedIpAddresses: Type.Array(Type.String()),
    roleResourceIdList: Type.Array(Type.String()),
  },
  closed,
);
export type ClientDto = Static<typeof ClientDtoSchema>;

export const ClientCredentialDtoSchema = Type.Object({ clientId: Type.String(), clientSecret: Type.String() }, closed);
export type ClientCredentialDto = Static<typeof ClientCredentialDtoSchema>;

export const SystemRoleDtoSchema = Type.Object({ resourceId: Type.String(), name: Type.String() }, closed);
export type SystemRoleDto = Static<typeof SystemRoleDtoSchema>;

/** orderBy of a client search (case-insensitive). */
export const CLIENT_ORDER_BY = ['CreateTime', 'ClientName', 'ClientId', 'StatusId'] as const;

const clientSearchFields = {
  pageNumber: Type.Integer({ minimum: 1 }),
  pageSize: Type.Integer({ minimum: 1, maximum: 1000 }),
  orderBy: Type.String({ maxLength: 64 }),
  ascending: Type.Boolean(),
  filter: Type.Optional(FilterSchema),
};

export const ClientSearchBodySchema = Type.Object(clientSearchFields, closed);
export type ClientSearchBody = Static<typeof ClientSearchBodySchema>;

export const ClientExportBodySchema = Type.Object(
  {
    ...clientSearchFields,
    exportType: Type.String({ maxLength: 16 }),
    reportAllPages: Type.Optional(Type.Boolean()),
  },
  closed,
);
export type ClientExportBody = Static<typeof ClientExportBodySchema>;

export const CLIENT_SEARCH_FIELDS = Object.keys(ClientExportBodySchema.properties);

export const SearchClientDtoSchema = Type.Object(
  {
    resourceId: Type.String(),
    clientName: Nullable(Type.String()),
    clientId: Type.String(),
    createTime: Type.String({ format: 'date-time' }),
    statusId: Type.Integer(),
    statusName: Type.String(),
  },
  closed,
);
export type SearchClientDto = Static<typeof SearchClientDtoSchema>;

export const ClientPageSchema = Type.Object(
  {
    pageNumber: Type.Integer(),
    pageSize: Type.Integer(),
    totalNumberOfPages: Type.Integer(),
    totalNumberOfRecords: Type.Integer(),
    results: Type.Array(SearchClientDtoSchema),
  },
  closed,
);
export type ClientPage = Static<typeof ClientPageSchema>;

/** The client export's columns (CSV), in order. */
export const CLIENT_EXPORT_HEADERS = ['Client Name', 'Client Id', 'Status', 'Date Created'] as const;
