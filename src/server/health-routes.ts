// contract §6: /healthz (process up), /readyz (database reachable, and the server's workers), /openapi.json.
import type { FastifyInstance } from 'fastify';
import { ApiError } from './errors.js';
import type { ServerContext } from './server-context.js';

export async function healthRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  app.get('/healthz', { schema: { summary: 'The process is up', tags: ['health'] } }, async () => ({ status: 'ok' }));
  app.get(
    '/readyz',
    { schema: { summary: 'The database is reachable and a worker is listening', tags: ['health'] } },
    async () => {
      const workers = context.workers();
      if (workers.ready === 0) throw ApiError.unavailable('No worker process is listening.');
      try {
        await context.storage.ping();
      } catch {
        throw ApiError.unavailable('The database is unreachable.');
      }
      return { status: 'ready', database: context.storage.dialect, workers };
    },
  );
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
