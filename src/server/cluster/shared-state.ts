// What the primary sets up once, before any worker opens the database, so that workers never race for
// it: the schema (SQLite has no migration lock) and the first signing key (each worker would make its own).
import { createKeyRing } from '../auth/index.js';
import type { ServerConfig } from '../config.js';
import { openStorage } from '../db/index.js';

export async function prepareSharedState(config: ServerConfig): Promise<void> {
  const storage = await openStorage(config.database, {
    maxConnections: 1,
    maxLongReads: 1,
    search: { concurrency: 1 },
  });
  try {
    await createKeyRing(storage, { issuer: config.issuer, now: config.now, signingKey: config.signingKey }).jwks();
  } finally {
    await storage.close();
  }
}
