// The database: storage (a migrated database and how the server reads it), the dialect adapter chosen from a
// location, the schema and the SQL that is the same on both databases (licence rules, tree paths, folded text).
export * from './availability.js';
export * from './constraint-violations.js';
export * from './copy-database.js';
export * from './dialect.js';
export * from './fold-text.js';
export * from './licence-sql.js';
export * from './migrate.js';
export * from './schema.js';
export * from './search-indexes.js';
export * from './search-reads/index.js';
export * from './storage.js';
export * from './tree-path.js';
