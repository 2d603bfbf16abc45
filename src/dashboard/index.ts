// The dashboard's backend: the local server `lapse ui` starts (see dashboard-server.ts), with the listings it keeps.
export { createPortfolio, type Portfolio } from './portfolio.js';
export { DEFAULT_WEB_ROOT } from './static-files.js';
export { startUiServer, type UiServer, type UiServerOptions } from './dashboard-server.js';
