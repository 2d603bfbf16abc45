// buildApp(config) -> a Fastify instance with every route, not listening: what `lapse serve` and tests start.
import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import { createKeyRing, tokenRoutes } from './auth/index.js';
import { createCredentialLookup } from './cache/index.js';
import { clientRoutes } from './clients/index.js';
import type { WorkerCounts } from './cluster/index.js';
import { companyRoutes, companyWriteRoutes, exportRoutes, licenceRoutes } from './companies/index.js';
import { type ServerConfig, searchLimitsOf } from './config.js';
import { openStorage, type Storage } from './db/index.js';
import { healthRoutes } from './health-routes.js';
import {
  frameworkErrorReply,
  lazySchemaCompilers,
  type OnEveryWorkerListening,
  registerBodyParsers,
  registerDraining,
  registerErrorHandler,
  registerMethodNotAllowed,
  registerRebalancing,
  registerResponseHeaders,
  requestIdOf,
} from './http/index.js';
import { landingRoutes } from './landing/index.js';
import { serverLogger } from './logger.js';
import { lookupRoutes } from './lookups/index.js';
import type { RateLimitStore } from './rate-limit/index.js';
import type { ServerContext } from './server-context.js';

export interface AppParts {
  /** An open storage to use (and leave open); otherwise the app opens config.database and closes it. */
  storage?: Storage;
  rateLimits?: RateLimitStore;
  /** The server's workers, when this app is one of them (/readyz reports them); absent: one process. */
  workers?: () => WorkerCounts;
  /** When this app is one of the workers: tells it each time every worker listens again (rebalancing.ts). */
  onEveryWorkerListening?: OnEveryWorkerListening;
}

const ONE_PROCESS: WorkerCounts = { ready: 1, wanted: 1 };

/** contract §2: request bodies over 64 KiB are refused with 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;

function loggerOptions(config: ServerConfig) {
  if (config.logger === false) return { logger: false };
  if (config.logger === true) return { loggerInstance: serverLogger('info') };
  return { loggerInstance: config.logger };
}

export async function buildApp(config: ServerConfig, parts: AppParts = {}): Promise<FastifyInstance> {
  const storage =
    parts.storage ??
    (await openStorage(config.database, {
      maxConnections: config.databasePoolSize,
      maxLongReads: config.exportsTotal,
      search: searchLimitsOf(config),
    }));
  const context: ServerContext = {
    config,
    storage,
    keyRing: createKeyRing(storage, { issuer: config.issuer, now: config.now, signingKey: config.signingKey }),
    credentials: createCredentialLookup(storage.db),
    rateLimits: parts.rateLimits ?? storage.createRateLimitStore(),
    workers: parts.workers ?? (() => ONE_PROCESS),
  };
  const app = Fastify({
    ...loggerOptions(config),
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: requestIdOf,
    requestIdHeader: false,
    return503OnClosing: false, // registerDraining answers them, in the envelope
    frameworkErrors: frameworkErrorReply,
    ajv: { customOptions: { allErrors: true, coerceTypes: false, removeAdditional: false, useDefaults: false } },
    schemaController: { compilersFactory: lazySchemaCompilers() },
  }) as unknown as FastifyInstance; // the logger option's union widens the instance type; routes need the base one
  app.decorateRequest('caller', null);
  if (!parts.storage) app.addHook('onClose', () => storage.close());

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'lapse Company API',
        version: '1.0.0',
        description: 'The Keepnet Labs reseller Company API shape, as implemented by lapse.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  registerBodyParsers(app);
  registerErrorHandler(app);
  registerMethodNotAllowed(app);
  registerResponseHeaders(app, config.corsOrigins);
  // After the response headers, which a refusal carries too. A storage the app was handed outlives it (tests):
  // its searches are its owner's to drain.
  registerDraining(app, parts.storage ? undefined : () => storage.drainSearches());
  if (parts.onEveryWorkerListening) registerRebalancing(app, parts.onEveryWorkerListening);
  await tokenRoutes(app, context);
  await companyRoutes(app, context);
  await exportRoutes(app, context);
  await licenceRoutes(app, context);
  await lookupRoutes(app, context);
  await companyWriteRoutes(app, context);
  await clientRoutes(app, context);
  await healthRoutes(app, context);
  await landingRoutes(app);
  return app;
}
