// contract §10: a managed customer's REST API clients and the roles they may hold. Each call acts for the customer
// named by `companyId` (X-KEEPNET-Company-Id), the client's own companyId by default.
import { Type } from '@sinclair/typebox';
import {
  type ClientCredentialDto,
  ClientCredentialDtoSchema,
  type ClientDto,
  ClientDtoSchema,
  type ClientExportBody,
  type ClientPage,
  ClientPageSchema,
  type ClientSearchBody,
  type ClientWriteBody,
  IdResultSchema,
  type SystemRoleDto,
  SystemRoleDtoSchema,
} from '../contract/index.js';
import { type ExportFile, readExportFile } from './companies.js';
import { creatingTransport, type WriteOptions } from './company-writes.js';
import { type ApiTransport, callApi, callJsonApi } from './http.js';
import { deriveReader } from './schema-reader.js';

export type ClientSearchRequest = Partial<ClientSearchBody>;
export type ClientExportRequest = ClientSearchRequest & Pick<ClientExportBody, 'exportType' | 'reportAllPages'>;

export interface ApiClients {
  roles(): Promise<SystemRoleDto[]>;
  /** A new client id and secret, not stored by the server: pass them to create (or to update, to rotate). */
  generateCredentials(): Promise<ClientCredentialDto>;
  /** The new client's resource id. */
  create(body: ClientWriteBody, options?: WriteOptions): Promise<string>;
  get(resourceId: string, options?: WriteOptions): Promise<ClientDto>;
  /** A clientSecret other than the client's own replaces it (rotation): the old one is refused from then on. */
  update(resourceId: string, body: ClientWriteBody, options?: WriteOptions): Promise<string>;
  /** A new secret for the client, keeping everything else: the secret to hand over (shown only here). */
  rotate(resourceId: string, current: Omit<ClientWriteBody, 'clientSecret'>, options?: WriteOptions): Promise<string>;
  remove(resourceId: string, options?: WriteOptions): Promise<string>;
  search(body?: ClientSearchRequest, options?: WriteOptions): Promise<ClientPage>;
  export(body: ClientExportRequest, options?: WriteOptions): Promise<ExportFile>;
}

const readRoles = deriveReader(Type.Array(SystemRoleDtoSchema));
const readCredentials = deriveReader(ClientCredentialDtoSchema);
const readClient = deriveReader(ClientDtoSchema);
const readPage = deriveReader(ClientPageSchema);
const readIdResult = deriveReader(IdResultSchema);
const resourceIdOf = (data: unknown) => readIdResult(data).resourceId ?? '';

export function completeClientSearchBody(body: ClientSearchRequest = {}): ClientSearchBody {
  return { pageNumber: 1, pageSize: 100, orderBy: 'CreateTime', ascending: true, ...body };
}

export function createApiClients(transport: ApiTransport): ApiClients {
  const scoped = (options: WriteOptions = {}) => ({
    ...transport,
    companyId: options.companyId ?? transport.companyId,
  });
  const path = (resourceId: string) => `/api/companies/clients/${encodeURIComponent(resourceId)}`;
  const generateCredentials = () =>
    callJsonApi(transport, 'GET', '/api/companies/clients/generate-client-credentials', undefined, readCredentials);
  const update = (resourceId: string, body: ClientWriteBody, options?: WriteOptions) =>
    callJsonApi(scoped(options), 'PUT', path(resourceId), body, resourceIdOf);
  return {
    roles: () => callJsonApi(transport, 'GET', '/api/roles', undefined, readRoles),
    generateCredentials,
    create: (body, options) =>
      callJsonApi(creatingTransport(transport, options), 'POST', '/api/companies/clients', body, resourceIdOf),
    get: (resourceId, options) => callJsonApi(scoped(options), 'GET', path(resourceId), undefined, readClient),
    update,
    async rotate(resourceId, current, options) {
      const { clientSecret } = await generateCredentials();
      await update(resourceId, { ...current, clientSecret }, options);
      return clientSecret;
    },
    remove: (resourceId, options) => callJsonApi(scoped(options), 'DELETE', path(resourceId), undefined, resourceIdOf),
    search: (body, options) =>
      callJsonApi(scoped(options), 'POST', '/api/companies/clients/search', completeClientSearchBody(body), readPage),
    export: (body, options) =>
      callApi(
        scoped(options),
        'POST',
        '/api/companies/clients/search/export',
        { ...completeClientSearchBody(body), ...body },
        (response) => readExportFile(response, 'Clients.csv'),
      ),
  };
}
