// The vendor's own OpenAPI 3.0 document (test/vendor-api, a copy of the reseller subset it publishes) as a check on
// lapse's responses: a 200 JSON answer of a path the document declares must pass the document's response schema.
// OpenAPI 3.0 is read as JSON Schema would read it: `nullable: true` admits null, `additionalProperties: false`
// refuses any property the schema does not name, int32 is an integer in its range, date-time is RFC 3339.
import { readFileSync } from 'node:fs';

interface OpenApiSchema {
  $ref?: string;
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  nullable?: boolean;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, OpenApiSchema>;
  additionalProperties?: boolean;
  required?: string[];
  items?: OpenApiSchema;
  minLength?: number;
  maxLength?: number;
}

interface OpenApiOperation {
  requestBody?: { content: Record<string, { schema: OpenApiSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: OpenApiSchema }> }>;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, OpenApiSchema> };
}

export const VENDOR_DOCUMENT = JSON.parse(
  readFileSync(new URL('../vendor-api/keepnet-reseller-subset.json', import.meta.url), 'utf8'),
) as OpenApiDocument;
const DOCUMENT = VENDOR_DOCUMENT;

const REF_PREFIX = '#/components/schemas/';
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

function resolved(schema: OpenApiSchema): OpenApiSchema {
  if (schema.$ref === undefined) return schema;
  const target = DOCUMENT.components.schemas[schema.$ref.slice(REF_PREFIX.length)];
  if (!target) throw new Error(`the vendor document has no schema ${schema.$ref}`);
  return resolved(target);
}

const describe = (value: unknown) => JSON.stringify(value) ?? String(value);

function typeProblem(schema: OpenApiSchema, value: unknown): string | undefined {
  switch (schema.type) {
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? undefined : 'expected object';
    case 'array':
      return Array.isArray(value) ? undefined : 'expected array';
    case 'string':
      if (typeof value !== 'string') return 'expected string';
      if (schema.format === 'date-time' && !DATE_TIME.test(value)) return 'expected a date-time';
      if (schema.minLength !== undefined && value.length < schema.minLength) return `shorter than ${schema.minLength}`;
      if (schema.maxLength !== undefined && value.length > schema.maxLength) return `longer than ${schema.maxLength}`;
      return undefined;
    case 'integer':
      if (!Number.isInteger(value)) return 'expected integer';
      if (schema.format === 'int32' && ((value as number) < INT32.min || (value as number) > INT32.max)) {
        return 'outside int32';
      }
      return undefined;
    case 'number':
      return typeof value === 'number' ? undefined : 'expected number';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'expected boolean';
    default:
      return undefined;
  }
}

function* violations(schemaOrRef: OpenApiSchema, value: unknown, path: string): Generator<string> {
  const schema = resolved(schemaOrRef);
  if (value === null) {
    if (schema.nullable !== true && schema.type !== undefined) yield `${path || '/'}: null where not nullable`;
    return;
  }
  const problem = typeProblem(schema, value);
  if (problem !== undefined) {
    yield `${path || '/'}: ${problem}, got ${describe(value)}`;
    return;
  }
  if (schema.enum && !schema.enum.includes(value)) yield `${path || '/'}: not one of ${describe(schema.enum)}`;
  if (Array.isArray(value) && schema.items) {
    for (const [index, item] of value.entries()) yield* violations(schema.items, item, `${path}/${index}`);
  }
  if (schema.type === 'object') {
    const record = value as Record<string, unknown>;
    const properties = schema.properties ?? {};
    for (const name of schema.required ?? []) if (!(name in record)) yield `${path}/${name}: required`;
    for (const [name, item] of Object.entries(record)) {
      const property = Object.hasOwn(properties, name) ? properties[name] : undefined;
      if (property) yield* violations(property, item, `${path}/${name}`);
      else if (schema.additionalProperties === false) yield `${path}/${name}: not in the vendor's schema`;
    }
  }
}

/** The vendor's OpenAPI path template (`/api/companies/{resourceId}`) a request path falls under, if any. */
function vendorPathOf(method: string, pathname: string): OpenApiOperation | undefined {
  const verb = method.toLowerCase();
  // A literal path wins over a template (`/api/companies/my` over `/api/companies/{resourceId}`).
  const literal = DOCUMENT.paths[pathname]?.[verb];
  if (literal) return literal;
  for (const [template, operations] of Object.entries(DOCUMENT.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    if (pattern.test(pathname) && operations[verb] && !DOCUMENT.paths[pathname]) return operations[verb];
  }
  return undefined;
}

/** The document's 200 JSON response schema for a request, or undefined where it declares none. */
export function vendorResponseSchemaOf(method: string, pathname: string): OpenApiSchema | undefined {
  return vendorPathOf(method, pathname)?.responses?.['200']?.content?.['application/json']?.schema;
}

/** What in `body` the vendor's response schema for the request refuses, path first; [] when it passes. */
export function vendorViolationsOf(method: string, pathname: string, body: unknown): string[] {
  const schema = vendorResponseSchemaOf(method, pathname);
  return schema === undefined ? [] : [...violations(schema, body, '')];
}

/** The vendor's named component schema (`KeepnetLabs.…`), for checking a value against it directly. */
export function vendorComponentViolationsOf(name: string, value: unknown): string[] {
  return [...violations({ $ref: `${REF_PREFIX}${name}` }, value, '')];
}
