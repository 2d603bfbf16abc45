// The wire contract (shared/api-contract.md) as schemas, types and constants, shared by server, client and web.
export * from './as-of.js';
export * from './calendar-day.js';
export * from './calendar-month.js';
export * from './company-dto.js';
export * from './dashboard-api.js';
export * from './envelope.js';
export * from './export-columns.js';
export * from './filter-language.js';
export * from './licence-rules.js';
export * from './lifecycle.js';
export * from './order-by.js';
export * from './property-names.js';
export * from './roles.js';
export * from './search-body.js';
export * from './token.js';
