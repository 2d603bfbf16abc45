import { describe, expect, it } from 'vitest';
import { serverConfig } from '../config.js';
import { autoWorkerCount, MAX_AUTO_WORKERS, workerConfig, workerShare } from './worker-count.js';

describe('the worker count and shares', () => {
  it('runs one worker per core, at least one and at most MAX_AUTO_WORKERS', () => {
    expect([0, 1, 2, 7, 64].map((cores) => autoWorkerCount(cores))).toEqual([1, 1, 2, 7, MAX_AUTO_WORKERS]);
  });

  it('splits the connection budgets across the workers, rounding up, and keeps the rest as it is', () => {
    expect([1, 2, 3, 4, 10, 20].map((workers) => workerShare(10, workers))).toEqual([10, 5, 4, 3, 1, 1]);
    const config = serverConfig({ database: 'x.db', databasePoolSize: 10, exportsTotal: 8, exportsPerClient: 2 });
    expect(workerConfig(config, 4)).toEqual({ ...config, databasePoolSize: 3, exportsTotal: 2 });
  });
});
