// contract §10: GET /api/lookups/licenses, the licence types and their modules in the vendor's Lookup License.
// lapse keeps licence types in a table and each company's modules by name, so a licence type's modules are the
// ones its companies hold.

import type { FastifyInstance } from 'fastify';
import {
  ErrorResultSchema,
  type LicenseLookups,
  LicenseLookupsSchema,
  licenseModuleResourceIdOf,
  PERMISSION,
  ServiceResultSchema,
  success,
} from '../../contract/index.js';
import { guard } from '../auth/index.js';
import { dataVersionOf } from '../cache/index.js';
import type { Db } from '../db/index.js';
import type { ServerContext } from '../server-context.js';

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function moduleNamesOf(json: string): string[] {
  const parsed: unknown = JSON.parse(json);
  return Array.isArray(parsed) ? parsed.filter((name): name is string => typeof name === 'string') : [];
}

/** Every licence type (by name, then id) with every module, each marked available when the type's companies hold it. */
export async function licenceLookups(db: Db): Promise<LicenseLookups> {
  const [types, holdings] = await Promise.all([
    db.selectFrom('license_types').select(['resource_id', 'name']).orderBy('name').orderBy('resource_id').execute(),
    db
      .selectFrom('companies')
      .select(['license_type_resource_id', 'license_modules'])
      .distinct()
      .where('license_type_resource_id', 'is not', null)
      .execute(),
  ]);
  const modulesByType = new Map<string, Set<string>>();
  for (const holding of holdings) {
    const typeId = holding.license_type_resource_id as string;
    const modules = modulesByType.get(typeId) ?? new Set<string>();
    for (const name of moduleNamesOf(holding.license_modules)) modules.add(name);
    modulesByType.set(typeId, modules);
  }
  const allNames = [...new Set([...modulesByType.values()].flatMap((names) => [...names]))].sort(byName);
  const moduleOf = (name: string, isAvailable: boolean) => ({
    resourceId: licenseModuleResourceIdOf(name),
    name,
    isAvailable,
  });
  return {
    licenses: types.map((type) => {
      const held = modulesByType.get(type.resource_id) ?? new Set<string>();
      return {
        resourceId: type.resource_id,
        name: type.name,
        licenseModules: allNames.map((name) => moduleOf(name, held.has(name))),
      };
    }),
    allLicenseModules: allNames.map((name) => moduleOf(name, true)),
  };
}

export async function lookupRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  // The lookups read every company (no index holds a company's modules): one answer is kept for as long as the
  // data version stands still (SQLite; PostgreSQL instances keep nothing, as another may have written).
  let kept: { version: string; lookups: LicenseLookups } | undefined;
  app.get(
    '/api/lookups/licenses',
    {
      schema: {
        summary: 'The licence types with their modules',
        tags: ['lookups'],
        security: [{ bearer: [] }],
        response: {
          200: ServiceResultSchema(LicenseLookupsSchema),
          '4xx': ErrorResultSchema,
          '5xx': ErrorResultSchema,
        },
      },
      onRequest: guard(context, PERMISSION.licenseLookups),
    },
    async (request) => {
      const version = await dataVersionOf(context, request);
      if (version !== null && kept?.version === version) return success(kept.lookups);
      const lookups = await licenceLookups(context.storage.db);
      if (version !== null) kept = { version, lookups };
      return success(lookups);
    },
  );
}
