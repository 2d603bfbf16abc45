// A real lapse API server on a free loopback port over a freshly seeded database, with one credential per role.
import type { FastifyInstance } from 'fastify';
import { type CalendarDay, dayOf } from '../../src/contract/index.js';
import { createCredential } from '../../src/server/admin/index.js';
import { buildApp } from '../../src/server/app.js';
import { type ServerConfig, serverConfig } from '../../src/server/config.js';
import { openStorage, type Storage } from '../../src/server/db/storage.js';
import { type SeedSummary, seedCompanies } from '../../src/server/seed/index.js';
import { createTestDatabase, type DatabaseKind } from './databases.js';
import { holdResponsesToContract } from './wire-guard.js';

export interface TestCredential {
  clientId: string;
  clientSecret: string;
  companyResourceId: string;
}

export interface TestServer {
  baseUrl: string;
  /** SQLite file path or postgres:// URL: query it directly for independent truth. */
  databaseLocation: string;
  kind: DatabaseKind;
  storage: Storage;
  app: FastifyInstance;
  seed: SeedSummary;
  credentials: {
    root: TestCredential;
    reseller: TestCredential;
    subReseller: TestCredential;
    companyAdmin: TestCredential;
  };
  /** Adds a credential for any company. */
  addCredential(companyResourceId: string, role: string): Promise<TestCredential>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  kind?: DatabaseKind;
  companies?: number;
  seed?: number;
  today?: CalendarDay;
  now?: () => number;
  rateLimitPerMinute?: number;
  config?: Partial<ServerConfig>;
  /** The port to listen on (default: any free one). A test that stops the server and expects its address to stay
   *  unreachable passes closedLoopbackPort(), which no other server of the suite will take afterwards. */
  port?: number;
}

async function insertCredential(storage: Storage, companyResourceId: string, role: string): Promise<TestCredential> {
  const created = await createCredential(storage.db, { company: companyResourceId, role, description: `test ${role}` });
  return { clientId: created.clientId, clientSecret: created.clientSecret, companyResourceId };
}

/** A sub-reseller: a company two levels below the root that has companies of its own. */
async function findSubReseller(storage: Storage, resellerResourceId: string): Promise<string> {
  const reseller = await storage.db
    .selectFrom('companies')
    .select('path')
    .where('resource_id', '=', resellerResourceId)
    .executeTakeFirstOrThrow();
  const row = await storage.db
    .selectFrom('companies as c')
    .select('c.resource_id')
    .where('c.depth', '=', 2)
    .where('c.path', 'like', `${reseller.path}%`)
    .where((eb) => eb.exists(eb.selectFrom('companies as k').select('k.id').whereRef('k.parent_id', '=', 'c.id')))
    .orderBy('c.resource_id')
    .executeTakeFirst();
  if (!row) throw new Error('the seeded tree has no sub-reseller under the first reseller; seed more companies');
  return row.resource_id;
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const kind = options.kind ?? 'sqlite';
  const database = await createTestDatabase(kind);
  const now = options.now ?? Date.now;
  const seed = await seedCompanies(database.location, {
    companies: options.companies ?? 300,
    seed: options.seed ?? 7,
    today: options.today ?? dayOf(now()),
  });
  const storage = await openStorage(database.location, { maxConnections: 5 });
  // The reseller with the deepest tree, so its view spans every depth.
  const reseller = [...seed.resellers].sort((a, b) => b.descendantCount - a.descendantCount)[0];
  if (!reseller) throw new Error('the seeded tree has no reseller');
  const subReseller = await findSubReseller(storage, reseller.resourceId);
  const adminCompany = seed.deepCompanyResourceId ?? subReseller;
  const credentials = {
    root: await insertCredential(storage, seed.rootResourceId, 'Root'),
    reseller: await insertCredential(storage, reseller.resourceId, 'Reseller'),
    subReseller: await insertCredential(storage, subReseller, 'Reseller'),
    companyAdmin: await insertCredential(storage, adminCompany, 'Company Admin'),
  };
  const config = serverConfig({
    database: database.location,
    port: 0,
    issuer: 'lapse-test',
    logger: false,
    now,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 100_000,
    failedTokenLimitPerMinute: 1_000,
    ...options.config,
  });
  const app = await buildApp(config, { storage });
  const wireGuard = holdResponsesToContract(app);
  const address = await app.listen({ host: '127.0.0.1', port: options.port ?? 0 });
  return {
    baseUrl: address,
    databaseLocation: database.location,
    kind,
    storage,
    app,
    seed,
    credentials,
    addCredential: (companyResourceId, role) => insertCredential(storage, companyResourceId, role),
    async close() {
      await app.close();
      await storage.close();
      await database.drop();
      wireGuard.assertNoViolations();
    },
  };
}

export interface OtherInstance {
  baseUrl: string;
  /** Closes it, then fails if any response it sent broke its schema. */
  close(): Promise<void>;
}

/** Another instance on a test server's database, as a second process would build it: its own app and pool, one issuer. */
export async function startOtherInstance(
  first: TestServer,
  config: Partial<ServerConfig> = {},
): Promise<OtherInstance> {
  const app = await buildApp(
    serverConfig({ database: first.databaseLocation, port: 0, issuer: 'lapse-test', logger: false, ...config }),
  );
  const wireGuard = holdResponsesToContract(app);
  const baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  return {
    baseUrl,
    async close() {
      await app.close();
      wireGuard.assertNoViolations();
    },
  };
}
