// The storage's data version names a state of the data: any committed write, from this process or another,
// changes it (db/dialect.ts). Every versioned cache keys its entries by it.
import type { FastifyRequest } from 'fastify';
import type { ServerContext } from '../server-context.js';

const requestVersions = new WeakMap<FastifyRequest, Promise<string | null>>();

/** The storage's data version, read once per request (caches of credentials and pages share it). */
export function dataVersionOf(context: ServerContext, request: FastifyRequest): Promise<string | null> {
  let version = requestVersions.get(request);
  if (!version) {
    version = context.storage.dataVersion();
    requestVersions.set(request, version);
  }
  return version;
}
