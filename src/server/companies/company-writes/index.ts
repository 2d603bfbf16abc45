// contract §10: company writes over the API (create, full update, delete), each audited.
export { type AuditAction, type FieldChanges, fieldChangesOf } from './audit.js';
export { companyWriteRoutes } from './routes.js';
