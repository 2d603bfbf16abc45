// `lapse serve --workers N`: the primary process (primary.ts), a worker's link to it (worker-link.ts), the
// worker count and each worker's share of the connection budgets (worker-count.ts). What the workers share and
// how: docs/scaling.md, "Workers".
export type { WorkerCounts } from './messages.js';
export { type Primary, type PrimaryOptions, startPrimary, WorkerStartError } from './primary.js';
export { prepareSharedState } from './shared-state.js';
export { autoWorkerCount, MAX_AUTO_WORKERS, workerConfig, workerShare } from './worker-count.js';
export { linkToPrimary, type PrimaryLink } from './worker-link.js';
