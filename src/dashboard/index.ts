// The dashboard's backend: the local server `lapse ui` starts (dashboard-server.ts), with the listings it keeps.
export {
  buildDashboardApp,
  type DashboardServer,
  type DashboardServerOptions,
  startDashboardServer,
} from './dashboard-server.js';
export { createHistoryAccess, type HistoryAccess } from './history-access.js';
export { createPortfolio, type Portfolio } from './portfolio.js';
export { DEFAULT_WEB_ROOT } from './static-files.js';
