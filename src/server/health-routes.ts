// contract §6: /healthz (process up), /readyz (database reachable), /openapi.json.
import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.js';
import type { ServerContext } from './server-context.js';

export async function healthRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  app.get('/healthz', { schema: { summary: 'The process is up', tags: ['health'] } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { summary: 'The database is reachable', tags: ['health'] } }, async () => {
    try {
      await context.storage.ping();
    } catch {
      throw ApiError.unavailable('The database is unreachable.');
    }
    return { status: 'ready', database: context.storage.dialect };
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
