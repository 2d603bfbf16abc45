// contract §10: a managed customer's REST API clients and the roles they may hold.
export { clientRoutes } from './routes.js';
