// contract §9: the write and client routes take the vendor's request fields (no more, none renamed) and their
// answers are checked against the vendor's response schemas (support/vendor-schemas.ts); this holds both checks.
import { describe, expect, it } from 'vitest';
import {
  CLIENT_WRITE_FIELDS,
  ClientSearchBodySchema,
  COMPANY_WRITE_FIELDS,
  CompanyWriteBodySchema,
} from '../src/contract/index.js';
import { VENDOR_DOCUMENT, vendorViolationsOf } from './support/vendor-schemas.js';

const requestSchema = (path: string, method: string, type: string) => {
  const schema = VENDOR_DOCUMENT.paths[path]?.[method]?.requestBody?.content[type]?.schema as {
    $ref?: string;
    properties?: Record<string, unknown>;
    required?: string[];
  };
  const resolved = schema.$ref ? VENDOR_DOCUMENT.components.schemas[schema.$ref.split('/').pop() as string] : schema;
  return resolved as { properties: Record<string, unknown>; required?: string[] };
};

describe("the vendor's request fields", () => {
  it('company writes take the multipart fields of both POST and PUT, File aside, and require the same ones', () => {
    const post = requestSchema('/api/companies', 'post', 'multipart/form-data');
    const put = requestSchema('/api/companies/{resourceId}', 'put', 'multipart/form-data');
    const vendorFields = new Set([...Object.keys(post.properties), ...Object.keys(put.properties)]);
    vendorFields.delete('File'); // the logo: a file part, not a field
    expect([...COMPANY_WRITE_FIELDS].sort()).toEqual([...vendorFields].sort());
    expect([...(CompanyWriteBodySchema.required ?? [])].sort()).toEqual([...(post.required ?? [])].sort());
    expect(put.required).toEqual(post.required);
  });

  it('client writes and client searches take the JSON fields of the vendor', () => {
    for (const [path, method] of [
      ['/api/companies/clients', 'post'],
      ['/api/companies/clients/{resourceId}', 'put'],
    ] as const) {
      const vendor = requestSchema(path, method, 'application/json');
      expect([...CLIENT_WRITE_FIELDS].sort()).toEqual(Object.keys(vendor.properties).sort());
    }
    const search = requestSchema('/api/companies/clients/search', 'post', 'application/json');
    expect(Object.keys(ClientSearchBodySchema.properties).sort()).toEqual(Object.keys(search.properties).sort());
  });
});

describe("the vendor's response schemas", () => {
  const client = {
    resourceId: 'AbCdEfGhIjKl',
    name: 'n',
    clientId: 'c',
    clientSecret: null,
    statusId: 1,
    statusName: 'Active',
    hasIpAddressRestriction: false,
    allowedIpAddresses: [],
    roleResourceIdList: ['RoleReseller'],
  };
  const envelope = (data: unknown) => ({ data, status: 'SUCCESS', message: null, validationMessages: null });

  it('accept what lapse sends and refuse a field the vendor does not have or a wrong type', () => {
    expect(vendorViolationsOf('GET', '/api/companies/clients/AbCdEfGhIjKl', envelope(client))).toEqual([]);
    expect(
      vendorViolationsOf('GET', '/api/companies/clients/AbCdEfGhIjKl', envelope({ ...client, role: 'x' })),
    ).not.toEqual([]);
    expect(
      vendorViolationsOf('GET', '/api/companies/clients/AbCdEfGhIjKl', envelope({ ...client, statusId: '1' })),
    ).not.toEqual([]);
    expect(vendorViolationsOf('PUT', '/api/companies/AbCdEfGhIjKl', envelope({ resourceId: 'x' }))).toEqual([]);
    expect(
      vendorViolationsOf('PUT', '/api/companies/AbCdEfGhIjKl', { ...envelope({ resourceId: 'x' }), extra: 1 }),
    ).not.toEqual([]);
    const page = { pageNumber: 1, pageSize: 1, totalNumberOfPages: 0, totalNumberOfRecords: 0, results: [] };
    expect(vendorViolationsOf('POST', '/api/companies/clients/search', envelope(page))).toEqual([]);
    expect(
      vendorViolationsOf('POST', '/api/companies/clients/search', envelope({ ...page, limitExceededCompanyCount: 0 })),
    ).not.toEqual([]);
  });
});
