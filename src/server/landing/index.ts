// The server's own pages: a landing page and the API reference rendered from its OpenAPI document.
export { escapeHtml, renderApiReference } from './api-reference.js';
export { landingRoutes } from './landing-routes.js';
