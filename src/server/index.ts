// The API server as the CLI starts it: the app (no listen), its configuration and its logger.
export * from './app.js';
export * from './config.js';
export * from './logger.js';
