// `lapse renew` (the built CLI) against a real server on both databases: the plan it prints, a dry run that
// changes nothing in the database, renewed companies leaving `lapse expired` and showing their new date in search
// and export, names resolved exactly, and a plan cut short by a 503 reporting exactly which rows were applied.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../src/client/index.js';
import { addDays, companyWriteBodyOf, dayStartUtc, LICENSE_PERIOD_TYPES } from '../src/contract/index.js';
import { type CliResult, requireBuiltCli, runCli, runCliOnTerminal } from './support/cli-process.js';
import { DATABASE_KINDS } from './support/databases.js';
import { type FaultProxy, startFaultProxy } from './support/fault-proxy.js';
import { PINNED_NOW_MS, PINNED_TODAY, pinnedClock } from './support/pinned-clock.js';
import { startTestServer, type TestCredential, type TestServer } from './support/test-server.js';

interface ListingJson {
  companies: { companyResourceId: string; licenseEndDate: string | null }[];
}

const ERROR_LINE = /^lapse renew: /m;
/** Each test runs the CLI several times, each run a Node process of its own. */
const CLI_TEST_MS = 120_000;

describe.each(DATABASE_KINDS)('lapse renew on %s', { timeout: CLI_TEST_MS }, (kind) => {
  let server: TestServer;
  let proxy: FaultProxy;
  let workDir: string;

  const envFor = (baseUrl: string, credential: TestCredential) => ({
    LAPSE_BASE_URL: baseUrl,
    LAPSE_CLIENT_ID: credential.clientId,
    LAPSE_CLIENT_SECRET: credential.clientSecret,
    LAPSE_NOW: new Date(PINNED_NOW_MS).toISOString(),
  });
  const lapse = (args: string[], baseUrl = server.baseUrl): Promise<CliResult> =>
    runCli(args, { home: workDir, env: envFor(baseUrl, server.credentials.reseller) });

  /** Every company's stored renewal instant, straight from the database. */
  async function storedRenewals(): Promise<Map<string, number | null>> {
    const rows = await server.storage.db.selectFrom('companies').select(['resource_id', 'license_end_at']).execute();
    return new Map(
      rows.map((row) => [row.resource_id, row.license_end_at === null ? null : Number(row.license_end_at)]),
    );
  }

  async function expiredIds(): Promise<string[]> {
    const result = await lapse(['expired', '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    return (JSON.parse(result.stdout) as ListingJson).companies.map((company) => company.companyResourceId);
  }

  /** Expired companies under the reseller whose licence period is 1 Year, in resource-id order. */
  async function expiredOneYear(count: number): Promise<string[]> {
    const expired = new Set(await expiredIds());
    const rows = await server.storage.db
      .selectFrom('companies')
      .select('resource_id')
      .where('license_period_type_resource_id', '=', LICENSE_PERIOD_TYPES.oneYear.resourceId)
      .orderBy('resource_id')
      .execute();
    const ids = rows.map((row) => row.resource_id).filter((id) => expired.has(id));
    expect(ids.length).toBeGreaterThanOrEqual(count);
    return ids.slice(0, count);
  }

  beforeAll(async () => {
    requireBuiltCli();
    workDir = await mkdtemp(join(tmpdir(), 'lapse-renew-'));
    server = await startTestServer({ kind, companies: 300, ...pinnedClock });
    proxy = await startFaultProxy(server.baseUrl);
  }, 180_000);

  afterAll(async () => {
    await proxy?.close();
    await server?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('prints the plan on --dry-run and changes nothing in the database', async () => {
    const ids = await expiredOneYear(2);
    const before = await storedRenewals();
    const planFile = join(workDir, 'dry-plan.json');
    const result = await lapse(['renew', ...ids, '--dry-run', '--plan-file', planFile]);
    expect(result.code, result.stderr).toBe(0);
    const renewed = addDays(PINNED_TODAY, 365);
    for (const id of ids) expect(result.stdout).toMatch(new RegExp(`${id} +\\d{4}-\\d{2}-\\d{2} +→ ${renewed}`));
    expect(result.stderr).toContain('dry run: nothing changed');
    expect(await storedRenewals()).toEqual(before);
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as { companies: { outcome: string }[] };
    expect(plan.companies.map((row) => row.outcome)).toEqual(['planned', 'planned']);
  });

  it('refuses to apply off a terminal without --yes, before any request', async () => {
    const [id] = await expiredOneYear(1);
    const result = await lapse(['renew', id as string]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/lapse renew: not on a terminal: give --yes/);
  });

  it('asks once on a terminal for the whole plan: no writes nothing, yes writes every row', async () => {
    const ids = await expiredOneYear(2);
    const before = await storedRenewals();
    const run = (text: string) =>
      runCliOnTerminal(['renew', ...ids, '--by', '7d'], {
        home: workDir,
        env: envFor(server.baseUrl, server.credentials.reseller),
        answer: { when: /renew 2 companies\? \[y\/N\] /, text },
      });
    const declined = await run('n\n');
    expect(declined.code, declined.output).toBe(0);
    expect(declined.output.match(/\[y\/N\]/g)).toHaveLength(1);
    expect(declined.output).toContain('nothing changed');
    expect(await storedRenewals()).toEqual(before);
    const accepted = await run('y\n');
    expect(accepted.code, accepted.output).toBe(0);
    expect(accepted.output).toContain('renewed 2 companies');
    const after = await storedRenewals();
    for (const id of ids) expect(after.get(id)).toBe(dayStartUtc(addDays(PINNED_TODAY, 7)));
  });

  it('renews the companies an expired CSV lists: they leave `lapse expired`, and search and export show the new date', async () => {
    const listing = join(workDir, 'expired.csv');
    const exported = await lapse(['expired', '--format', 'csv', '--output', listing, '--limit', '3']);
    expect(exported.code, exported.stderr).toBe(0);
    const csvIds = (
      JSON.parse((await lapse(['expired', '--format', 'json', '--limit', '3'])).stdout) as ListingJson
    ).companies.map((company) => company.companyResourceId);
    const until = addDays(PINNED_TODAY, 40);
    const result = await lapse(['renew', '--from', listing, '--until', until, '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('renewed 3 companies');

    const stillExpired = new Set(await expiredIds());
    for (const id of csvIds) expect(stillExpired.has(id)).toBe(false);
    const stored = await storedRenewals();
    for (const id of csvIds) expect(stored.get(id)).toBe(dayStartUtc(until));

    const searched = await lapse(['companies', '--format', 'json']);
    const rows = (JSON.parse(searched.stdout) as ListingJson).companies.filter((c) =>
      csvIds.includes(c.companyResourceId),
    );
    expect(rows.map((row) => row.licenseEndDate?.slice(0, 10))).toEqual([until, until, until]);
    const exportFile = join(workDir, 'all.csv');
    expect((await lapse(['export', '--format', 'csv', '--output', exportFile])).code).toBe(0);
    const lines = readFileSync(exportFile, 'utf8').split('\r\n');
    for (const id of csvIds) expect(lines.find((line) => line.includes(`,${id},`))).toContain(until);
  });

  it('takes a plain list of ids and renews by the licence period from the renewal date, or from today once expired', async () => {
    const ids = await expiredOneYear(1);
    const list = join(workDir, 'ids.txt');
    await writeFile(list, `${ids.join('\n')}\n`);
    const result = await lapse(['renew', '--from', list, '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect((await storedRenewals()).get(ids[0] as string)).toBe(dayStartUtc(addDays(PINNED_TODAY, 365)));
    // Now in the future: --by counts from the renewal date.
    const again = await lapse(['renew', ids[0] as string, '--by', '3y', '--yes']);
    expect(again.code, again.stderr).toBe(0);
    expect((await storedRenewals()).get(ids[0] as string)).toBe(dayStartUtc(addDays(PINNED_TODAY, 365 + 3 * 365)));
  });

  it('stops at a 503 mid-plan and says exactly which rows were applied and which not', async () => {
    const ids = await expiredOneYear(4);
    const before = await storedRenewals();
    const planFile = join(workDir, 'stopped-plan.json');
    proxy.setModes({ refuseWritesAfter: 2 });
    try {
      const result = await lapse(
        ['renew', ...ids, '--until', addDays(PINNED_TODAY, 10), '--yes', '--plan-file', planFile],
        proxy.baseUrl,
      );
      expect(result.code).toBe(5);
      expect(result.stderr).toMatch(ERROR_LINE);
      const [a, b, c, d] = ids as [string, string, string, string];
      expect(result.stderr).toMatch(new RegExp(`renewed 2 of 4; stopped at ${c} `));
      expect(result.stderr).toMatch(new RegExp(`^applied: ${a} \\([^)]*\\), ${b} \\([^)]*\\)$`, 'm'));
      expect(result.stderr).toMatch(new RegExp(`^not applied: ${c} \\([^)]*\\), ${d} \\([^)]*\\)$`, 'm'));
      expect(result.stderr).toContain(`plan file: ${planFile}`);
    } finally {
      proxy.setModes({});
    }
    const plan = JSON.parse(readFileSync(planFile, 'utf8')) as {
      companies: { companyResourceId: string; outcome: string; error?: string }[];
    };
    expect(plan.companies.map((row) => [row.companyResourceId, row.outcome])).toEqual([
      [ids[0], 'applied'],
      [ids[1], 'applied'],
      [ids[2], 'failed'],
      [ids[3], 'not applied'],
    ]);
    expect(plan.companies[2]?.error).toMatch(/unavailable/i);
    const after = await storedRenewals();
    expect(after.get(ids[0] as string)).toBe(dayStartUtc(addDays(PINNED_TODAY, 10)));
    expect(after.get(ids[1] as string)).toBe(dayStartUtc(addDays(PINNED_TODAY, 10)));
    expect(after.get(ids[2] as string)).toBe(before.get(ids[2] as string));
    expect(after.get(ids[3] as string)).toBe(before.get(ids[3] as string));
  });

  it('names companies by exact name; a shared name is refused with its candidates listed', async () => {
    const reseller = createClient({ baseUrl: server.baseUrl, ...server.credentials.reseller, now: pinnedClock.now });
    const template = await reseller.companies.get(server.credentials.subReseller.companyResourceId);
    const body = { ...companyWriteBodyOf(template), Name: 'Twin Renewals Ltd', Tags: [] };
    const first = await reseller.companies.create(body);
    const second = await reseller.companies.create(body, {
      companyId: server.credentials.subReseller.companyResourceId,
    });
    const before = await storedRenewals();
    const result = await lapse(['renew', 'Twin Renewals Ltd', '--by', '1y', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/lapse renew: 2 companies are named "Twin Renewals Ltd": /);
    expect(result.stderr).toContain(first);
    expect(result.stderr).toContain(second);
    expect(await storedRenewals()).toEqual(before);

    await reseller.companies.remove(second);
    const named = await lapse(['renew', 'Twin Renewals Ltd', '--by', '30d', '--dry-run']);
    expect(named.code, named.stderr).toBe(0);
    expect(named.stdout).toContain(first);
    const unknown = await lapse(['renew', 'No Such Company', '--dry-run']);
    expect(unknown.code).toBe(6);
    expect(unknown.stderr).toMatch(/no company has the resource id or name "No Such Company"/);
  });

  it('takes an exact name for --company: the same listing as its resource id', async () => {
    const reseller = createClient({ baseUrl: server.baseUrl, ...server.credentials.reseller, now: pinnedClock.now });
    const subReseller = server.credentials.subReseller.companyResourceId;
    const { name } = await reseller.companies.get(subReseller);
    const byId = await lapse(['expired', '--format', 'json', '--company', subReseller]);
    const byName = await lapse(['expired', '--format', 'json', '--company', name]);
    expect(byName.code, byName.stderr).toBe(0);
    expect(JSON.parse(byName.stdout)).toEqual(JSON.parse(byId.stdout));
    const unknown = await lapse(['expired', '--company', 'No Such Reseller']);
    expect(unknown.code).toBe(6);
  });

  it('refuses the licence period default for a Custom licence, naming the company', async () => {
    const reseller = createClient({ baseUrl: server.baseUrl, ...server.credentials.reseller, now: pinnedClock.now });
    const template = await reseller.companies.get(server.credentials.subReseller.companyResourceId);
    const custom = await reseller.companies.create({
      ...companyWriteBodyOf(template),
      Name: 'Custom Term GmbH',
      LicensePeriodTypeResourceId: LICENSE_PERIOD_TYPES.custom.resourceId,
      Tags: [],
    });
    const result = await lapse(['renew', custom, '--dry-run']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/lapse renew: Custom Term GmbH has the licence period Custom, which sets no renewal/);
    const chosen = await lapse(['renew', custom, '--until', addDays(PINNED_TODAY, 99), '--dry-run']);
    expect(chosen.code, chosen.stderr).toBe(0);
  });
});
