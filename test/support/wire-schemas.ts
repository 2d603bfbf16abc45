// The contract's schemas as compiled checks, held against every response the tests read: the search route sends
// hand-built bytes for speed, so its declared schema is checked here rather than by the server's serialiser.
// Objects are closed (no property the schema does not name), as the vendor's schemas are and as a serialiser
// built from the route's schema would send them.
import type { IncomingHttpHeaders } from 'node:http';
import { Kind, type TSchema, Type } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import type { ValueError } from '@sinclair/typebox/errors';
import { parse } from 'csv-parse/sync';
import {
  ClientCredentialDtoSchema,
  ClientDtoSchema,
  ClientPageSchema,
  CompanyDtoSchema,
  ErrorResultSchema,
  EXPORT_COLUMNS,
  EXPORT_CONTENT_TYPES,
  EXPORT_FILE_NAMES,
  type ExportType,
  IdResultSchema,
  LicenseCheckSchema,
  LicenseExpiryDateSchema,
  LicenseLookupsSchema,
  MyCompanyNodeSchema,
  SearchPageSchema,
  ServiceResultSchema,
  SystemRoleDtoSchema,
} from '../../src/contract/index.js';
import { loadWorkbook, sheetTexts } from './spreadsheet-readers.js';
import { vendorResponseSchemaOf, vendorViolationsOf } from './vendor-schemas.js';

/** `schema` with `additionalProperties: false` on every object in it. */
function closed<T extends TSchema>(schema: T): T {
  const copy = { ...schema } as Record<PropertyKey, unknown>;
  if (schema[Kind] === 'Object') {
    copy.additionalProperties = false;
    copy.properties = Object.fromEntries(
      Object.entries(schema.properties as Record<string, TSchema>).map(([key, value]) => [key, closed(value)]),
    );
  }
  if (schema.items !== undefined && !Array.isArray(schema.items)) copy.items = closed(schema.items);
  if (Array.isArray(schema.anyOf)) copy.anyOf = schema.anyOf.map(closed);
  return copy as T;
}

export const WIRE_CHECKS = {
  searchResult: TypeCompiler.Compile(closed(ServiceResultSchema(SearchPageSchema))),
  companyResult: TypeCompiler.Compile(closed(ServiceResultSchema(CompanyDtoSchema))),
  myCompaniesResult: TypeCompiler.Compile(closed(ServiceResultSchema(Type.Array(MyCompanyNodeSchema)))),
  errorResult: TypeCompiler.Compile(closed(ErrorResultSchema)),
  licenseCheckResult: TypeCompiler.Compile(closed(ServiceResultSchema(LicenseCheckSchema))),
  licenseExpiryDateResult: TypeCompiler.Compile(closed(ServiceResultSchema(LicenseExpiryDateSchema))),
  currentTimeResult: TypeCompiler.Compile(closed(ServiceResultSchema(Type.String({ format: 'date-time' })))),
  licenseLookupsResult: TypeCompiler.Compile(closed(ServiceResultSchema(LicenseLookupsSchema))),
  idResult: TypeCompiler.Compile(closed(ServiceResultSchema(IdResultSchema))),
  rolesResult: TypeCompiler.Compile(closed(ServiceResultSchema(Type.Array(SystemRoleDtoSchema)))),
  clientCredentialResult: TypeCompiler.Compile(closed(ServiceResultSchema(ClientCredentialDtoSchema))),
  clientResult: TypeCompiler.Compile(closed(ServiceResultSchema(ClientDtoSchema))),
  clientPageResult: TypeCompiler.Compile(closed(ServiceResultSchema(ClientPageSchema))),
} as const;

export type WireCheckName = keyof typeof WIRE_CHECKS;

/** The leaves of TypeBox's errors: a union's error holds each member's own errors. */
function* leafErrors(errors: Iterable<ValueError>): Generator<ValueError> {
  for (const error of errors) {
    if (error.errors.length === 0) yield error;
    for (const member of error.errors) yield* leafErrors(member);
  }
}

const MAX_REPORTED_ERRORS = 8;

function describeValue(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/**
 * What is wrong with `value` under the named check, the deepest paths first, the members of one union that each
 * refuse the same value on one line; [] when it passes.
 */
export function schemaViolationsOf(name: WireCheckName, value: unknown): string[] {
  const check: TypeCheck<TSchema> = WIRE_CHECKS[name];
  if (check.Check(value)) return [];
  const byPlace = new Map<string, { path: string; value: unknown; messages: string[] }>();
  for (const error of leafErrors(check.Errors(value))) {
    const place = `${error.path}\u0000${describeValue(error.value)}`;
    const found = byPlace.get(place);
    if (found) found.messages.push(error.message);
    else byPlace.set(place, { path: error.path || '/', value: error.value, messages: [error.message] });
  }
  return [...byPlace.values()]
    .sort((a, b) => b.path.split('/').length - a.path.split('/').length)
    .slice(0, MAX_REPORTED_ERRORS)
    .map((place) => `${place.path}: ${place.messages.join(' or ')}, got ${describeValue(place.value)}`);
}

/** Throws, naming the schema's paths and the values found there, unless `value` passes the named check. */
export function assertWireSchema(name: WireCheckName, value: unknown, what: string): void {
  const violations = schemaViolationsOf(name, value);
  if (violations.length > 0) throw new Error(`${what} breaks ${name}:\n  ${violations.join('\n  ')}`);
}

const SEARCH_PATH = '/api/companies/search';
const EXPORT_PATH = '/api/companies/search/export';
const COMPANY_PATH = /^\/api\/companies\/[^/]+$/;
const LICENSE_CHECK_PATH = /^\/api\/companies\/[^/]+\/license-check$/;
const CLIENTS_PATH = '/api/companies/clients';
const CLIENT_PATH = /^\/api\/companies\/clients\/[^/]+$/;
const CLIENT_EXPORT_PATH = '/api/companies/clients/search/export';

/** contract §10: the writes and the customer API clients' routes (a 200 client export is a file). */
function writeCheckFor(method: string, pathname: string): WireCheckName | undefined {
  if (method === 'GET' && pathname === '/api/roles') return 'rolesResult';
  if (method === 'GET' && pathname === `${CLIENTS_PATH}/generate-client-credentials`) return 'clientCredentialResult';
  if (method === 'POST' && pathname === `${CLIENTS_PATH}/search`) return 'clientPageResult';
  if (method === 'POST' && pathname === CLIENT_EXPORT_PATH) return undefined;
  if (method === 'GET' && CLIENT_PATH.test(pathname)) return 'clientResult';
  if (method === 'POST' && (pathname === CLIENTS_PATH || pathname === '/api/companies')) return 'idResult';
  if ((method === 'PUT' || method === 'DELETE') && (CLIENT_PATH.test(pathname) || COMPANY_PATH.test(pathname))) {
    return 'idResult';
  }
  return undefined;
}

/**
 * The check a JSON response of the API must pass, by route and status (contract §2: every JSON response of /api/*
 * is a ServiceResult); undefined where the contract gives no JSON schema (the export's file, /healthz, tokens).
 */
export function wireCheckFor(method: string, pathname: string, status: number): WireCheckName | undefined {
  if (!pathname.startsWith('/api/')) return undefined;
  if (status >= 400) return 'errorResult';
  if (status !== 200) return undefined;
  const writeCheck = writeCheckFor(method, pathname);
  if (writeCheck !== undefined || pathname.startsWith(CLIENTS_PATH)) return writeCheck;
  if (method === 'POST' && pathname === SEARCH_PATH) return 'searchResult';
  if (method === 'GET' && pathname === '/api/companies/my') return 'myCompaniesResult';
  if (method === 'GET' && LICENSE_CHECK_PATH.test(pathname)) return 'licenseCheckResult';
  if (method === 'POST' && pathname === '/api/companies/licenseexpirydate') return 'licenseExpiryDateResult';
  if (method === 'GET' && pathname.startsWith('/api/companies/get-current-time/')) return 'currentTimeResult';
  if (method === 'GET' && pathname === '/api/lookups/licenses') return 'licenseLookupsResult';
  if (method === 'GET' && COMPANY_PATH.test(pathname)) return 'companyResult';
  return undefined;
}

/**
 * Checks a JSON body as the route's response, against the contract's schema and, for a 200 on a path the vendor's
 * document declares, against the vendor's too; `what` names the exchange in the message.
 */
export function assertWireJson(method: string, pathname: string, status: number, text: string, what: string): void {
  const name = wireCheckFor(method, pathname, status);
  const vendorSchema = status === 200 ? vendorResponseSchemaOf(method, pathname) : undefined;
  if (name === undefined && vendorSchema === undefined) return;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${what} (${status}) is not JSON: ${describeValue(text)}`);
  }
  if (name !== undefined) assertWireSchema(name, body, what);
  if (vendorSchema === undefined) return;
  const vendorViolations = vendorViolationsOf(method, pathname, body).slice(0, MAX_REPORTED_ERRORS);
  if (vendorViolations.length > 0) {
    throw new Error(`${what} breaks the vendor's schema:\n  ${vendorViolations.join('\n  ')}`);
  }
}

/** Response headers as fetch's Headers reads them (a missing header is null). */
export interface HeaderReader {
  get(name: string): string | null;
}

export interface WireExchange {
  method: string;
  /** The request's path, query string included. */
  path: string;
  status: number;
  headers: HeaderReader;
  bytes: Buffer;
}

/** Any response of the API: a 200 export as a file (contract §5), everything else as its route's JSON. */
export async function assertWireExchange(exchange: WireExchange): Promise<void> {
  const { method, path, status, headers, bytes } = exchange;
  const pathname = new URL(path, 'http://localhost').pathname;
  if (method === 'POST' && pathname === EXPORT_PATH && status === 200) return assertExportFile(headers, bytes);
  assertWireJson(method, pathname, status, bytes.toString('utf8'), `${method} ${path}`);
}

const EXPORT_HEADERS = EXPORT_COLUMNS.map((column) => column.header);
const UTF8_BOM = '\uFEFF';

/** The export type a response's Content-Type names (contract §5), or throws. */
export function exportTypeOf(contentType: string | null | undefined): ExportType {
  const entry = Object.entries(EXPORT_CONTENT_TYPES).find(([, value]) => value === contentType);
  if (!entry) throw new Error(`an export answered Content-Type ${describeValue(contentType)}`);
  return entry[0] as ExportType;
}

/** Node's incoming headers as fetch's Headers reads them: a repeated header's values joined by `, `. */
export function incomingHeaders(headers: IncomingHttpHeaders): HeaderReader {
  return {
    get(name) {
      const value = headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/** The headers of a 200 export: the content type and the attachment's file name the contract gives. */
export function assertExportHeaders(headers: HeaderReader): ExportType {
  const exportType = exportTypeOf(headers.get('content-type'));
  const disposition = headers.get('content-disposition');
  const expected = `attachment; filename="${EXPORT_FILE_NAMES[exportType]}"`;
  if (disposition !== expected) {
    throw new Error(
      `a ${exportType} export answered Content-Disposition ${describeValue(disposition)}, not ${expected}`,
    );
  }
  return exportType;
}

/** The first CSV record, read from the start of the file (which opens with a byte-order mark). */
export function assertCsvHeaderRow(start: Buffer): void {
  const text = start.toString('utf8');
  if (!text.startsWith(UTF8_BOM)) throw new Error('a CSV export does not start with a byte-order mark');
  const lineEnd = text.indexOf('\r\n');
  if (lineEnd < 0) throw new Error(`a CSV export has no CRLF after its header row: ${describeValue(text)}`);
  const [headerRow] = parse(text.slice(1, lineEnd + 2)) as string[][];
  assertHeaderRow(headerRow, 'CSV');
}

async function assertExcelHeaderRows(bytes: Buffer): Promise<void> {
  const sheets = sheetTexts(await loadWorkbook(bytes));
  if (sheets.size === 0) throw new Error('an Excel export has no sheet');
  for (const [name, rows] of sheets) assertHeaderRow(rows[0], `Excel sheet "${name}"`);
}

function assertHeaderRow(row: string[] | undefined, where: string): void {
  if (JSON.stringify(row) !== JSON.stringify(EXPORT_HEADERS)) {
    throw new Error(`the ${where} header row is ${JSON.stringify(row)}, not ${JSON.stringify(EXPORT_HEADERS)}`);
  }
}

/** A whole 200 export: headers, then the header row of the CSV or of every Excel sheet. */
export async function assertExportFile(headers: HeaderReader, bytes: Buffer): Promise<void> {
  const exportType = assertExportHeaders(headers);
  if (exportType === 'CSV') assertCsvHeaderRow(bytes);
  else await assertExcelHeaderRows(bytes);
}
