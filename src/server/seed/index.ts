// The deterministic data generator: `lapse seed`, tests, benchmarks and the demo fill databases through it.

export { FORMULA_COMPANY_NAME } from './company-names.js';
export { ROOT_COMPANY_NAME, type TopLevelReseller, type TreeOutline } from './company-tree.js';
export { PROGRESS_INTERVAL, type SeedOptions, type SeedSummary, seedCompanies } from './seed-companies.js';
export type { SeedCounts } from './seed-tally.js';
