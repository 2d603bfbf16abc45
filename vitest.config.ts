import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'dist/**', 'src/web/dist/**'],
    // One PostgreSQL server for the run; each test creates its own database on it (test/support/databases.ts).
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
    // Forks: better-sqlite3 and pg hold native handles and sockets that are simplest to isolate per process.
    pool: 'forks',
    // The machine has two cores; more workers only make every test slower.
    maxWorkers: 2,
  },
});
