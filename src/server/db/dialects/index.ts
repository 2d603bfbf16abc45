// One adapter per database (see DialectAdapter in ../dialect.ts).
export { postgresAdapter } from './postgres.js';
export { sqliteAdapter } from './sqlite.js';
