// SQLite search queries on worker threads, off the event loop (worker-pool.ts).
export { createQueryWorkerPool, type QueryWorkerPool, type QueryWorkerPoolOptions } from './worker-pool.js';
