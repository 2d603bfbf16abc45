import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from '../../../test/support/databases.js';
import { isDatabaseUnavailable } from './availability.js';
import { openStorage } from './storage.js';

describe.each(DATABASE_KINDS)('a closed storage on %s', (kind) => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
  });
  afterAll(() => database?.drop());

  // A request still running when the server's grace period ends meets the storage closed under it: its client
  // is gone, and what it logs is the database being away (a warning), not a bug (an "unhandled error").
  it('fails a query as the database being unavailable', async () => {
    const storage = await openStorage(database.location);
    await storage.db.selectFrom('companies').select('id').execute();
    await storage.close();
    const failure = await storage.db
      .selectFrom('companies')
      .select('id')
      .execute()
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(Error);
    expect(isDatabaseUnavailable(failure), String(failure)).toBe(true);
  });
});
