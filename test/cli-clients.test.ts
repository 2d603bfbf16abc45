// `lapse clients` (the built CLI) against a real server on both databases: the export lines it prints are a
// working credential of the role asked for; rotation refuses the old secret, disabling refuses the client, an
// address restriction refuses other addresses; the customer is named by resource id or exact name.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../src/client/index.js';
import { type CliResult, requireBuiltCli, runCli } from './support/cli-process.js';
import { DATABASE_KINDS } from './support/databases.js';
import { PINNED_NOW_MS, pinnedClock } from './support/pinned-clock.js';
import { startTestServer, type TestServer } from './support/test-server.js';

/** The variables the `export NAME=value` lines set. */
function exportedVariables(stdout: string): Record<string, string> {
  const pairs = [...stdout.matchAll(/^export (LAPSE_[A-Z_]+)=(.*)$/gm)].map(([, name, value]) => [
    name as string,
    (value as string).replace(/^'(.*)'$/, '$1'),
  ]);
  return Object.fromEntries(pairs);
}

describe.each(DATABASE_KINDS)('lapse clients on %s', (kind) => {
  let server: TestServer;
  let workDir: string;
  let customer: string;
  const clock = { LAPSE_NOW: new Date(PINNED_NOW_MS).toISOString() };

  const asReseller = (args: string[]): Promise<CliResult> =>
    runCli(args, {
      home: workDir,
      env: {
        LAPSE_BASE_URL: server.baseUrl,
        LAPSE_CLIENT_ID: server.credentials.reseller.clientId,
        LAPSE_CLIENT_SECRET: server.credentials.reseller.clientSecret,
        ...clock,
      },
    });
  /** `lapse whoami` with nothing but what the export lines set. */
  const whoamiWith = (variables: Record<string, string>) =>
    runCli(['whoami', '--format', 'json'], { home: workDir, env: { ...variables, ...clock } });

  beforeAll(async () => {
    requireBuiltCli();
    workDir = await mkdtemp(join(tmpdir(), 'lapse-clients-'));
    server = await startTestServer({ kind, companies: 120, ...pinnedClock });
    customer = server.credentials.subReseller.companyResourceId;
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('creates a client whose printed credential gets a token; rotate refuses the old secret; disable refuses it', async () => {
    const created = await asReseller(['clients', 'create', '--company', customer, '--name', 'Payroll sync']);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toContain('not shown again');
    const first = exportedVariables(created.stdout);
    expect(Object.keys(first).sort()).toEqual(['LAPSE_BASE_URL', 'LAPSE_CLIENT_ID', 'LAPSE_CLIENT_SECRET']);
    expect(first.LAPSE_BASE_URL).toBe(server.baseUrl);
    const who = await whoamiWith(first);
    expect(who.code, who.stderr).toBe(0);
    expect(JSON.parse(who.stdout)).toMatchObject({
      claims: { role: 'Company Admin', user_company_resourceid: customer },
    });

    const listed = await asReseller(['clients', 'list', '--company', customer]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${first.LAPSE_CLIENT_ID} +Active .*Payroll sync`));
    expect(listed.stdout).not.toContain(first.LAPSE_CLIENT_SECRET);

    const rotated = await asReseller(['clients', 'rotate', first.LAPSE_CLIENT_ID as string, '--company', customer]);
    expect(rotated.code, rotated.stderr).toBe(0);
    const second = exportedVariables(rotated.stdout);
    expect(second.LAPSE_CLIENT_ID).toBe(first.LAPSE_CLIENT_ID);
    expect(second.LAPSE_CLIENT_SECRET).not.toBe(first.LAPSE_CLIENT_SECRET);
    expect((await whoamiWith(first)).code).toBe(3);
    expect((await whoamiWith(second)).code).toBe(0);

    const disabled = await asReseller(['clients', 'disable', first.LAPSE_CLIENT_ID as string, '--company', customer]);
    expect(disabled.code, disabled.stderr).toBe(0);
    expect(disabled.stdout).toMatch(/^disabled /);
    const refused = await whoamiWith(second);
    expect(refused.code).toBe(3);
    expect((await asReseller(['clients', 'list', '--company', customer])).stdout).toMatch(
      new RegExp(`${first.LAPSE_CLIENT_ID} +Passive`),
    );
    // A dozen runs of the CLI, each its own Node process.
  }, 180_000);

  it('gives the role asked for, restricts addresses, and names the customer by exact name', async () => {
    const reseller = createClient({ baseUrl: server.baseUrl, ...server.credentials.reseller, now: pinnedClock.now });
    const { name } = await reseller.companies.get(customer);
    const created = await asReseller(['clients', 'create', '--company', name, '--role', 'reseller']);
    expect(created.code, created.stderr).toBe(0);
    const who = await whoamiWith(exportedVariables(created.stdout));
    expect(JSON.parse(who.stdout)).toMatchObject({ claims: { role: 'Reseller', user_company_resourceid: customer } });

    const elsewhere = await asReseller(['clients', 'create', '--company', customer, '--allow-ip', '10.9.9.0/24']);
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    expect((await whoamiWith(exportedVariables(elsewhere.stdout))).code).toBe(3);
    const here = await asReseller(['clients', 'create', '--company', customer, '--allow-ip', '10.9.9.9', '127.0.0.1']);
    expect((await whoamiWith(exportedVariables(here.stdout))).code).toBe(0);
  }, 120_000);

  it('refuses without a customer, an unknown role, a bad address and an unknown client', async () => {
    const missing = await asReseller(['clients', 'list']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^lapse clients list: name the customer with --company/m);
    const role = await asReseller(['clients', 'create', '--company', customer, '--role', 'root']);
    expect(role.code).toBe(2);
    const address = await asReseller(['clients', 'create', '--company', customer, '--allow-ip', 'not-an-ip']);
    expect(address.code).toBe(2);
    expect(address.stderr).toMatch(/allowedIpAddresses\[0\]/);
    const unknown = await asReseller(['clients', 'rotate', 'NoSuchClient', '--company', customer]);
    expect(unknown.code).toBe(6);
  });
});
