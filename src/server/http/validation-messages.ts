// Schema errors as the contract's validation lines: one per problem, each naming the JSON path
// (`filter.FilterGroups[0].FilterItems[1].Value: ...`).
import type { FastifySchemaValidationError } from 'fastify/types/schema.js';

/** `/filter/FilterGroups/0/Value` -> `filter.FilterGroups[0].Value` */
export function jsonPath(instancePath: string, child?: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) parts.push(child);
  return (
    parts.reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '') ||
    'body'
  );
}

function describe(error: FastifySchemaValidationError): string {
  const params = error.params as Record<string, unknown>;
  if (typeof params.missingProperty === 'string')
    return `${jsonPath(error.instancePath, params.missingProperty)}: is required`;
  if (typeof params.additionalProperty === 'string') {
    return `${jsonPath(error.instancePath, params.additionalProperty)}: is not a known property`;
  }
  if (error.keyword === 'maxItems' && params.limit === 0)
    return `${jsonPath(error.instancePath)}: groups nest too deep`;
  return `${jsonPath(error.instancePath)}: ${error.message ?? 'is invalid'}`;
}

export function validationMessages(errors: FastifySchemaValidationError[]): string[] {
  return [...new Set(errors.map(describe))];
}
