// The /api/companies routes (contract §4–§6): search, export, the managed tree and one company.

export { COMPANY_DTO, EXPORT_CELLS, SEARCH_COMPANY } from './company-records.js';
export { companyWriteRoutes } from './company-writes/index.js';
export { exportRoutes } from './export-route.js';
export { licenceRoutes } from './licence-routes.js';
export { companyRoutes } from './routes.js';
export { childrenPerGroup } from './search-page.js';
