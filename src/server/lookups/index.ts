// The lookups a reseller's forms choose from (contract §10).
export { licenceLookups, lookupRoutes } from './licence-lookups.js';
