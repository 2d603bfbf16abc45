// One server per database with the fault proxy in front and a work directory, for the end-to-end tests that run
// the built CLI as the seeded tree's reseller, straight (the server's filters) or through the proxy (the client's
// fallbacks).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CliResult, requireBuiltCli, runCli } from './cli-process.js';
import type { DatabaseKind } from './databases.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { startTestServer, type TestServer } from './test-server.js';

export interface CliFixture {
  server: TestServer;
  proxy: FaultProxy;
  workDir: string;
  /** The reseller's credential and the pinned clock, as the CLI reads them. */
  env: Record<string, string>;
  /** Runs the CLI in the work directory against `baseUrl` (the server unless given). */
  lapse(args: string[], baseUrl?: string): Promise<CliResult>;
  close(): Promise<void>;
}

export async function startCliFixture(options: {
  kind: DatabaseKind;
  today: string;
  /** LAPSE_NOW and the server's clock. */
  now: string;
  workDirPrefix: string;
}): Promise<CliFixture> {
  requireBuiltCli();
  const workDir = await mkdtemp(join(tmpdir(), options.workDirPrefix));
  const server = await startTestServer({
    kind: options.kind,
    companies: 400,
    seed: 11,
    today: options.today,
    now: () => Date.parse(options.now),
  });
  const proxy = await startFaultProxy(server.baseUrl);
  const { reseller } = server.credentials;
  const env = {
    LAPSE_CLIENT_ID: reseller.clientId,
    LAPSE_CLIENT_SECRET: reseller.clientSecret,
    LAPSE_NOW: options.now,
  };
  return {
    server,
    proxy,
    workDir,
    env,
    lapse: (args, baseUrl = server.baseUrl) =>
      runCli(args, { home: workDir, env: { ...env, LAPSE_BASE_URL: baseUrl } }),
    async close() {
      await proxy.close();
      await server.close();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}
