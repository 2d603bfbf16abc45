// How many worker processes `lapse serve --workers` runs, and each one's share of the server's connection budgets.
import { availableParallelism } from 'node:os';
import type { ServerConfig } from '../config.js';

/**
 * `auto` runs one worker per core up to this many: past it, workers on one SQLite file mostly wait for each
 * other's page reads, and each costs its own page caches and PostgreSQL connections.
 */
export const MAX_AUTO_WORKERS = 8;

export function autoWorkerCount(cores = availableParallelism()): number {
  return Math.max(1, Math.min(MAX_AUTO_WORKERS, cores));
}

/** A whole budget split across `workers`, rounded up so that every worker has at least one. */
export function workerShare(total: number, workers: number): number {
  return Math.max(1, Math.ceil(total / workers));
}

/**
 * One worker's configuration: the database connections the flags allow (the PostgreSQL pool, the export
 * readers) are the server's, split across its workers, so `--workers` never multiplies what the database must
 * accept (docs/scaling.md, "Workers"). Everything else holds per worker, as it would per instance.
 */
export function workerConfig(config: ServerConfig, workers: number): ServerConfig {
  return {
    ...config,
    databasePoolSize: workerShare(config.databasePoolSize, workers),
    exportsTotal: workerShare(config.exportsTotal, workers),
  };
}
