// HTTP plumbing shared by every route: body parsers, the one error handler, request ids, response headers.
export * from './body-parsers.js';
export * from './draining.js';
export * from './error-handler.js';
export * from './lazy-schema-compilers.js';
export * from './method-not-allowed.js';
export * from './rebalancing.js';
export * from './request-id.js';
export * from './response-headers.js';
export * from './unanswered-requests.js';
export * from './validation-messages.js';
