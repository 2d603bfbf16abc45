// Runs once per `vitest run`: gives every test file a PostgreSQL server. LAPSE_TEST_DATABASE_URL names an
// existing one (a superuser or CREATEDB role); otherwise a throwaway cluster lives for the length of the run.
import type { TestProject } from 'vitest/node';
import {
  createPostgresCluster,
  destroyPostgresCluster,
  killPostgresClusterSync,
  type PostgresCluster,
} from './postgres-cluster.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** URL of a role that may CREATE DATABASE; see test/support/databases.ts. */
    postgresAdminUrl: string;
    /** The run's own cluster, or null when LAPSE_TEST_DATABASE_URL points at an external server. */
    postgresCluster: PostgresCluster | null;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const externalUrl = process.env.LAPSE_TEST_DATABASE_URL;
  if (externalUrl) {
    project.provide('postgresAdminUrl', externalUrl);
    project.provide('postgresCluster', null);
    return async () => {};
  }
  const cluster = await createPostgresCluster();
  // Teardown does not run when the process exits abruptly; the server must not outlive it either way.
  const killOnExit = () => killPostgresClusterSync(cluster);
  process.once('exit', killOnExit);
  project.provide('postgresAdminUrl', cluster.adminUrl);
  project.provide('postgresCluster', cluster);
  return async () => {
    process.off('exit', killOnExit);
    await destroyPostgresCluster(cluster);
  };
}
