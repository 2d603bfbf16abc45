// `lapse ui`'s local server: what the command starts (see ui-server.ts) and what the page and it exchange.
export { createPortfolio, type Portfolio } from './portfolio.js';
export { DEFAULT_WEB_ROOT } from './static-files.js';
export type * from './ui-api.js';
export { startUiServer, type UiServer, type UiServerOptions } from './ui-server.js';
