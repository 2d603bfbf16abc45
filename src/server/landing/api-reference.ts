// The API reference as one HTML page, rendered from the OpenAPI document the server serves (GET /openapi.json): no
// script and nothing from another origin, so it reads the same offline and under the API's strict CSP.

interface Schema {
  type?: string | string[];
  $ref?: string;
  anyOf?: Schema[];
  enum?: unknown[];
  const?: unknown;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  description?: string;
  format?: string;
}

interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}

export interface OpenApiDocument {
  info?: { title?: string; version?: string; description?: string };
  paths?: Record<string, Record<string, Operation>>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
/** How deep nested objects are unfolded into dotted rows (`data.results[].companyName`). */
const MAX_DEPTH = 4;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A schema as a short type: `string | null`, `integer[]`, `"CSV" | "Excel"`, `MyCompanyNode`. */
function typeOf(schema: Schema | undefined): string {
  if (schema === undefined) return 'any';
  if (schema.$ref !== undefined) return schema.$ref.split('/').pop() ?? schema.$ref;
  if (schema.anyOf) return [...new Set(schema.anyOf.map(typeOf))].join(' | ');
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' | ');
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.type === 'array') return `${typeOf(schema.items)}[]`;
  const type = [schema.type ?? 'any'].flat().join(' | ');
  return schema.format ? `${type} (${schema.format})` : type;
}

/** The object a schema holds, looking through `T | null`. */
function objectOf(schema: Schema | undefined): Schema | undefined {
  if (schema?.properties) return schema;
  return schema?.anyOf?.map(objectOf).find((inner) => inner !== undefined);
}

function arrayItemOf(schema: Schema | undefined): Schema | undefined {
  if (schema?.type === 'array') return schema.items;
  return schema?.anyOf?.map(arrayItemOf).find((inner) => inner !== undefined);
}

function propertyRows(schema: Schema | undefined, prefix = '', depth = 0): string[] {
  const object = objectOf(schema);
  if (object?.properties === undefined || depth >= MAX_DEPTH) return [];
  return Object.entries(object.properties).flatMap(([name, property]) => {
    const path = `${prefix}${name}`;
    const isRequired = object.required?.includes(name) ? 'yes' : '';
    const row = `<tr><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(typeOf(property))}</td><td>${isRequired}</td><td>${escapeHtml(property.description ?? '')}</td></tr>`;
    const item = arrayItemOf(property);
    const nested = item ? propertyRows(item, `${path}[].`, depth + 1) : propertyRows(property, `${path}.`, depth + 1);
    return [row, ...nested];
  });
}

function table(head: string[], rows: string[]): string {
  if (rows.length === 0) return '';
  const cells = head.map((name) => `<th>${name}</th>`).join('');
  return `<table><thead><tr>${cells}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const anchorOf = (method: string, path: string) => `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-');

function renderOperation(method: string, path: string, operation: Operation): string {
  const parameters = (operation.parameters ?? []).map(
    (p) =>
      `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}</td><td>${escapeHtml(typeOf(p.schema))}</td><td>${p.required ? 'yes' : ''}</td><td>${escapeHtml(p.description ?? p.schema?.description ?? '')}</td></tr>`,
  );
  const bodyTypes = Object.keys(operation.requestBody?.content ?? {});
  const body = Object.values(operation.requestBody?.content ?? {})[0]?.schema;
  const responses = Object.entries(operation.responses ?? {}).map(([status, response]) => {
    const schema = response.content?.['application/json']?.schema;
    const rows = status === '200' ? propertyRows(schema) : [];
    return `<li><strong>${escapeHtml(status)}</strong> ${escapeHtml(response.description ?? '')}${table(['field', 'type', 'required', 'meaning'], rows)}</li>`;
  });
  const auth = operation.security?.length ? 'Bearer token (POST /connect/token)' : 'none';
  return [
    `<section id="${anchorOf(method, path)}">`,
    `<h3><span class="method">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>`,
    operation.summary ? `<p>${escapeHtml(operation.summary)}</p>` : '',
    operation.description ? `<p>${escapeHtml(operation.description)}</p>` : '',
    `<p class="auth">Authentication: ${escapeHtml(auth)}</p>`,
    parameters.length ? `<h4>Parameters</h4>${table(['name', 'in', 'type', 'required', 'meaning'], parameters)}` : '',
    body
      ? `<h4>Body (${escapeHtml(bodyTypes.join(', '))})</h4>${table(['field', 'type', 'required', 'meaning'], propertyRows(body))}`
      : '',
    `<h4>Responses</h4><ul>${responses.join('')}</ul>`,
    '</section>',
  ].join('\n');
}

/** Every documented operation, grouped by path in path order. */
export function renderApiReference(document: OpenApiDocument, stylesheet: string): string {
  const operations = Object.entries(document.paths ?? {})
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({
        method,
        path,
        operation: item[method] as Operation,
      })),
    );
  const index = operations
    .map(
      ({ method, path }) =>
        `<li><a href="#${anchorOf(method, path)}"><span class="method">${method.toUpperCase()}</span> ${escapeHtml(path)}</a></li>`,
    )
    .join('');
  const title = `${document.info?.title ?? 'API'} ${document.info?.version ?? ''}`.trim();
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}: reference</title><link rel="stylesheet" href="${stylesheet}"></head>
<body>
<header><h1>${escapeHtml(title)}</h1><p>${escapeHtml(document.info?.description ?? '')}</p>
<p><a href="/">Home</a> · <a href="/openapi.json">OpenAPI document (JSON)</a></p></header>
<nav><h2>Operations</h2><ul>${index}</ul></nav>
<main>
${operations.map(({ method, path, operation }) => renderOperation(method, path, operation)).join('\n')}
</main>
</body>
</html>
`;
}
