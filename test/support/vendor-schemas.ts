// The vendor's own response schemas (vendor-write-paths.json: the vendor document's paths for writes and customer
// API clients, verbatim) as compiled checks, so those routes' answers are held to the vendor's shapes as well as
// to the contract's TypeBox schemas. OpenAPI 3.0's `nullable` is read as Ajv reads it.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';

interface VendorOperation {
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
  responses: Record<string, { content?: Record<string, { schema: { $ref: string } }> }>;
}

export interface VendorDocument {
  paths: Record<string, Record<string, VendorOperation>>;
  components: { schemas: Record<string, Record<string, unknown>> };
}

export const VENDOR_DOCUMENT = JSON.parse(
  readFileSync(new URL('./vendor-write-paths.json', import.meta.url), 'utf8'),
) as VendorDocument;

/** Schema names hold characters a `$ref` cannot (backticks, spaces): each is renamed to its index. */
const names = Object.keys(VENDOR_DOCUMENT.components.schemas);
const safeRef = (ref: string) => `vendor#/definitions/s${names.indexOf(ref.replace('#/components/schemas/', ''))}`;

function withSafeRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withSafeRefs);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [key, key === '$ref' ? safeRef(inner as string) : withSafeRefs(inner)]),
  );
}

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({
  $id: 'vendor',
  definitions: Object.fromEntries(
    names.map((name, index) => [`s${index}`, withSafeRefs(VENDOR_DOCUMENT.components.schemas[name])]),
  ),
});

const templates = Object.keys(VENDOR_DOCUMENT.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
}));
const compiled = new Map<string, ValidateFunction>();

/** The vendor path a request path is an instance of; a literal path wins over a template (`/clients/search`). */
function vendorPathOf(pathname: string): string | undefined {
  const matches = templates.filter(({ pattern }) => pattern.test(pathname));
  return (matches.find(({ template }) => !template.includes('{')) ?? matches[0])?.template;
}

/** What breaks the vendor's 200 schema for this route; [] when it passes or the vendor declares no JSON body. */
export function vendorViolationsOf(method: string, pathname: string, body: unknown): string[] {
  const path = vendorPathOf(pathname);
  const ref =
    path &&
    VENDOR_DOCUMENT.paths[path]?.[method.toLowerCase()]?.responses['200']?.content?.['application/json']?.schema.$ref;
  if (!ref) return [];
  let validate = compiled.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: safeRef(ref) });
    compiled.set(ref, validate);
  }
  if (validate(body)) return [];
  return (validate.errors ?? []).map((error) => `${error.instancePath || '/'}: ${error.message} (vendor schema)`);
}
