// contract §10: company writes (create, full update, delete) over the one request function. Bodies go as JSON,
// which the server reads as it reads the vendor's form fields.
import { type CompanyWriteBody, companyWriteBodyOf, type IdResult, IdResultSchema } from '../contract/index.js';
import type { Companies } from './companies.js';
import { type ApiTransport, callJsonApi } from './http.js';
import { deriveReader } from './schema-reader.js';

export interface WriteOptions {
  /** contract §10: the company to act under (X-KEEPNET-Company-Id); defaults to the client's companyId. */
  companyId?: string;
}

export interface CompanyWrites {
  /** A new company under the caller's company, or under `options.companyId`; its resource id. */
  create(body: CompanyWriteBody, options?: WriteOptions): Promise<string>;
  /** The full update: every field as `body` gives it (see companyWriteBodyOf). */
  update(resourceId: string, body: CompanyWriteBody): Promise<string>;
  /** Reads the company, changes `fields` and writes it back whole (a renewal: `{ LicenseEndDate }`). */
  change(resourceId: string, fields: Partial<CompanyWriteBody>): Promise<string>;
  /** Deletes a company with no companies below it. */
  remove(resourceId: string): Promise<string>;
}

const readIdResult = deriveReader(IdResultSchema);
const resourceIdOf = (data: unknown) => (readIdResult(data) as IdResult).resourceId ?? '';

/** The transport for a call that creates something: a lost connection is not retried (it may have landed). */
export function creatingTransport(transport: ApiTransport, options: WriteOptions = {}): ApiTransport {
  return {
    ...transport,
    retry: { ...transport.retry, retryNetworkErrors: false },
    companyId: options.companyId ?? transport.companyId,
  };
}

export function createCompanyWrites(transport: ApiTransport, companies: Pick<Companies, 'get'>): CompanyWrites {
  const path = (resourceId: string) => `/api/companies/${encodeURIComponent(resourceId)}`;
  const update = (resourceId: string, body: CompanyWriteBody) =>
    callJsonApi(transport, 'PUT', path(resourceId), body, resourceIdOf);
  return {
    create: (body, options) =>
      callJsonApi(creatingTransport(transport, options), 'POST', '/api/companies', body, resourceIdOf),
    update,
    async change(resourceId, fields) {
      const current = await companies.get(resourceId);
      return update(resourceId, { ...companyWriteBodyOf(current), ...fields });
    },
    remove: (resourceId) => callJsonApi(transport, 'DELETE', path(resourceId), undefined, resourceIdOf),
  };
}
