// The stored rows of every company below one (not itself), read with the server's own storage and none of the
// client's code: the truth the end-to-end tests compare the CLI with.
import type { TestServer } from './test-server.js';

export async function companiesBelow(server: TestServer, resourceId: string) {
  const db = server.storage.db;
  const { path } = await db
    .selectFrom('companies')
    .select('path')
    .where('resource_id', '=', resourceId)
    .executeTakeFirstOrThrow();
  return db
    .selectFrom('companies')
    .selectAll()
    .where('path', '>', path)
    .where('path', '<', `${path.slice(0, -1)}0`)
    .orderBy('resource_id')
    .execute();
}
