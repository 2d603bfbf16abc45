// contract §10: a company write's body as the vendor sends it (multipart/form-data, every value a string, arrays
// as repeated fields, a logo file) or as JSON or a url-encoded form with the same names, turned into one object
// with the schema's spelling and types, so the route's schema validates all three alike.
import type { Multipart } from '@fastify/multipart';
import type { TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import {
  COMPANY_LOGO_LIMITS,
  COMPANY_WRITE_FIELDS,
  CompanyWriteBodySchema,
  renameKnownKeys,
  SERVICE_STATUS,
} from '../../../contract/index.js';
import { ApiError } from '../../errors.js';
import { UnsupportedBody } from '../../http/index.js';

const canonicalKeys = new Map<string, string>(COMPANY_WRITE_FIELDS.map((key) => [key.toLowerCase(), key]));
/** `Tags[0]` and `Tags[]` name the array `Tags`, as ASP.NET's form binding reads them. */
const INDEXED_KEY = /^(.*)\[\d*\]$/;

function canonicalKey(key: string): string {
  const base = INDEXED_KEY.exec(key)?.[1] ?? key;
  return canonicalKeys.get(base.toLowerCase()) ?? key;
}

function schemaType(key: string): string | undefined {
  const schema = (CompanyWriteBodySchema.properties as Record<string, TSchema>)[key];
  return schema?.type as string | undefined;
}

/** A form value in the type its field has; a value that is not one stays text, so validation names it. */
function formValue(key: string, text: string): unknown {
  const type = schemaType(key);
  if (type === 'integer' && /^-?\d{1,10}$/.test(text.trim())) return Number(text.trim());
  if (type === 'boolean' && /^(true|false)$/i.test(text.trim())) return text.trim().toLowerCase() === 'true';
  return text;
}

function addFormField(body: Record<string, unknown>, rawKey: string, text: string): void {
  const key = canonicalKey(rawKey);
  const value = formValue(key, text);
  if (schemaType(key) === 'array') {
    const list = (Object.hasOwn(body, key) ? body[key] : []) as unknown[];
    // An empty field clears the list (a form cannot send an empty array otherwise).
    Object.defineProperty(body, key, {
      value: text === '' ? list : [...list, value],
      enumerable: true,
      writable: true,
    });
  } else {
    Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
  }
}

const unsupported = () =>
  new ApiError(
    415,
    SERVICE_STATUS.INPUT_ERROR,
    'The request body must be multipart/form-data or JSON (application/json).',
  );

async function checkLogo(part: Multipart & { type: 'file' }): Promise<void> {
  if (canonicalKey(part.fieldname) !== 'File') {
    part.file.resume();
    throw ApiError.invalidRequest([`${part.fieldname}: a file may come only as File (the logo)`]);
  }
  if (!(COMPANY_LOGO_LIMITS.contentTypes as readonly string[]).includes(part.mimetype.toLowerCase())) {
    part.file.resume();
    throw new ApiError(
      415,
      SERVICE_STATUS.INPUT_ERROR,
      `File: a logo must be one of ${COMPANY_LOGO_LIMITS.contentTypes.join(', ')}, not ${part.mimetype}.`,
    );
  }
  // Read (and so size-checked) but not kept: lapse stores no logos (docs/decisions.md).
  await part.toBuffer();
}

function multipartError(request: FastifyRequest, error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  const errors = request.server.multipartErrors;
  if (error instanceof errors.RequestFileTooLargeError) {
    const limit = `${COMPANY_LOGO_LIMITS.maxBytes / 1024 / 1024} MiB`;
    return new ApiError(413, SERVICE_STATUS.INPUT_ERROR, `File: the logo is larger than the ${limit} limit.`);
  }
  if (error instanceof errors.FilesLimitError) return ApiError.invalidRequest(['File: one file at most']);
  if (error instanceof errors.FieldsLimitError || error instanceof errors.PartsLimitError) {
    return new ApiError(413, SERVICE_STATUS.INPUT_ERROR, 'The form has more fields than a company write holds.');
  }
  const reason = error instanceof Error ? error.message : String(error);
  return ApiError.invalidRequest([`body: is not valid multipart/form-data (${reason})`]);
}

async function multipartBody(request: FastifyRequest): Promise<Record<string, unknown>> {
  const body: Record<string, unknown> = {};
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') await checkLogo(part);
      else addFormField(body, part.fieldname, String(part.value ?? ''));
    }
  } catch (error) {
    throw multipartError(request, error);
  }
  return body;
}

/** A preValidation hook: the body in the schema's spelling and types, whichever encoding carried it. */
export async function readCompanyWriteBody(request: FastifyRequest): Promise<void> {
  if (request.isMultipart()) {
    request.body = await multipartBody(request);
    return;
  }
  const { body } = request;
  if (body instanceof UnsupportedBody) throw unsupported();
  if (body instanceof URLSearchParams) {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of body) addFormField(fields, key, value);
    request.body = fields;
    return;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ApiError.invalidRequest(['body: must be an object of the company fields']);
  }
  request.body = renameKnownKeys(body, COMPANY_WRITE_FIELDS);
}
