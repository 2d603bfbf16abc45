// The API server as the CLI starts it: its configuration and logger, and the app (no listen) on demand.
export type { AppParts } from './app.js';
export * from './config.js';
export * from './logger.js';

/**
 * buildApp, loaded when a process builds the app: Fastify, its schema compilers and every route are a large part
 * of the CLI's code, which a `lapse serve` primary and most commands never run (the bundle splits it out).
 */
export async function loadBuildApp(): Promise<typeof import('./app.js').buildApp> {
  return (await import('./app.js')).buildApp;
}
