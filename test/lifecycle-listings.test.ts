// Lifecycle states on the listing commands over real HTTP, on SQLite and PostgreSQL: `--state` keeps exactly the
// companies the database's renewal days put in that state under the policy, `--lifecycle` adds the columns (named
// apart from the vendor's License Expired, which lapse's own files leave out), and a policy with an unknown key is
// one line and exit 2.
import { existsSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../src/contract/index.js';
import { openHistory } from '../src/history/index.js';
import { companiesBelow } from './support/companies-below.js';
import { DATABASE_KINDS } from './support/databases.js';
import { resellerEnvironment, runCli } from './support/run-cli.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const SEED_TODAY = '2026-03-10';
const POLICY = { graceDays: 45, leadDays: [60, 14, 0], licenceTypes: { Trial: { leadDays: [7], graceDays: 0 } } };

describe.each(DATABASE_KINDS)('lifecycle states on %s', (kind) => {
  let server: TestServer;
  let home: string;
  let policyFile: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lapse-lifecycle-'));
    policyFile = join(home, 'policy.json');
    writeFileSync(policyFile, JSON.stringify(POLICY));
    server = await startTestServer({ kind, companies: 400, seed: 41, today: SEED_TODAY });
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await rm(home, { recursive: true, force: true });
  });

  const env = () => resellerEnvironment(server, { LAPSE_POLICY: policyFile });

  /** The reseller's customers whose renewal day the policy puts in `state` on `asOf`, read from the database. */
  async function truth(asOf: string, state: 'lapsed' | 'in-grace' | 'renewing'): Promise<string[]> {
    const rows = await companiesBelow(server, server.credentials.reseller.companyResourceId);
    return rows
      .filter((row) => {
        if (row.license_end_at === null) return false;
        const isTrial = row.license_type_name === 'Trial';
        const grace = isTrial ? 0 : POLICY.graceDays;
        const widestLead = isTrial ? 7 : 60;
        const renewal = dayOf(Number(row.license_end_at));
        if (state === 'lapsed') return addDays(renewal, grace) < asOf;
        if (state === 'in-grace') return renewal < asOf && addDays(renewal, grace) >= asOf;
        return renewal >= asOf && addDays(renewal, -widestLead) <= asOf;
      })
      .map((row) => row.resource_id)
      .sort();
  }

  // Twenty days on, the seed's renewals of the coming month are partly behind: some in grace.
  const LATER = addDays(SEED_TODAY, 20);

  it.each([
    ['expired', 'lapsed', SEED_TODAY],
    ['expired', 'in-grace', LATER],
    ['companies', 'renewing', SEED_TODAY],
  ] as const)('lapse %s --state %s keeps exactly the companies in that state', async (command, state, asOf) => {
    const result = await runCli([command, '--as-of', asOf, '--state', state, '--format', 'json'], home, env());
    expect(result.code).toBe(0);
    const ids = (JSON.parse(result.stdout).companies as { companyResourceId: string }[])
      .map((company) => company.companyResourceId)
      .sort();
    const expected = await truth(asOf, state);
    expect(expected.length).toBeGreaterThan(0);
    expect(ids).toEqual(expected);
  });

  it('shows the state and the day it next changes as columns of their own', async () => {
    const json = await runCli(
      ['renewals', '--within', '60d', '--as-of', SEED_TODAY, '--lifecycle', '--format', 'json'],
      home,
      env(),
    );
    expect(json.code).toBe(0);
    const document = JSON.parse(json.stdout);
    expect(document.policy).toEqual(POLICY);
    for (const company of document.companies) {
      expect(company.lifecycle.state).toBe(
        company.licenseTypeName === 'Trial' && company.licenseEndDate.slice(0, 10) > addDays(SEED_TODAY, 7)
          ? 'active'
          : 'renewing',
      );
      // The vendor's flag stays as the server sent it, beside lapse's own state.
      expect(typeof company.licenceExpired).toBe('boolean');
    }
    // lapse's own file: the day's "Expired (as of D)" and the states, never the server's UTC-today flag; the same
    // file with or without --lifecycle.
    const csvOf = async (extra: string[]) =>
      (await runCli(['expired', '--as-of', SEED_TODAY, ...extra, '--format', 'csv'], home, env())).stdout;
    const csv = await csvOf(['--lifecycle']);
    const header = csv.replace(/^\uFEFF/, '').split('\r\n')[0] ?? '';
    expect(header).toContain(`,Expired (as of ${SEED_TODAY}),`);
    expect(header).toContain(',Lifecycle State,Next State Change');
    expect(header).not.toContain('License Expired');
    expect(csv).toBe(await csvOf([]));
    const table = await runCli(['expired', '--as-of', LATER, '--state', 'in-grace', '--lifecycle'], home, env());
    expect(table.stdout).toMatch(/Lifecycle state.*Next state change/);
    expect(table.stdout).toMatch(/in-grace .*→ lapsed/);
  });

  it('cuts at --limit after --state, and records a listing cut by --limit as part of the scope only', async () => {
    const lapsed = await truth(SEED_TODAY, 'lapsed');
    expect(lapsed.length).toBeGreaterThan(2);
    const args = ['companies', '--as-of', SEED_TODAY, '--state', 'lapsed', '--limit', '2'];
    const json = await runCli([...args, '--format', 'json'], home, env());
    expect(json.code).toBe(0);
    const document = JSON.parse(json.stdout);
    expect(document.count).toBe(2);
    expect(document.matched).toBe(lapsed.length);
    for (const company of document.companies) expect(lapsed).toContain(company.companyResourceId);
    const table = await runCli([...args, '--lifecycle'], home, env());
    expect(table.stdout).toMatch(/^Company +Company ID +Reseller +Renewal date +Days +Users \/ limit +Lifecycle state/);
    expect(table.stdout).toContain(`\n2 of ${lapsed.length} companies · as of ${SEED_TODAY} (UTC)`);
    expect(table.stdout).toMatch(/\nlifecycle: grace 45 days, lead days 60, 14, 0\n$/);

    const history = join(home, 'cut.db');
    const recordArgs = ['companies', '--as-of', SEED_TODAY, '--record', '--history', history, '--format', 'json'];
    const cut = await runCli([...recordArgs, '--limit', '3'], home, env());
    expect(cut.code).toBe(0);
    expect(cut.stderr).toMatch(/recorded snapshot 1 \(companies \(first rows\)\) .*: 3 new, 0 changed, 0 gone/);
    const whole = await runCli(recordArgs, home, env());
    expect(whole.stderr).toMatch(/recorded snapshot 2 \(companies\) .*: \d+ new, 0 changed, 0 gone/);
    const store = openHistory({
      baseUrl: server.baseUrl,
      clientId: server.credentials.reseller.clientId,
      companyId: undefined,
      path: history,
    });
    try {
      expect(store.snapshots().map((snapshot) => [snapshot.companyCount, snapshot.isWholeScope])).toEqual([
        [3, false],
        [JSON.parse(whole.stdout).count, true],
      ]);
    } finally {
      store.close();
    }
  });

  it('checks --output before any request: the history is not created', async () => {
    const history = join(home, 'never.db');
    const result = await runCli(
      ['changes', '--history', history, '--output', join(home, 'missing', 'changes.json')],
      home,
      env(),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^lapse changes: --output .*missing.* does not exist\n$/);
    expect(existsSync(history)).toBe(false);
    const snapshot = await runCli(['snapshot', '--history', history, '--limit', '5'], home, env());
    expect(snapshot.code).toBe(2);
    expect(snapshot.stderr).toBe('lapse snapshot: --limit: a snapshot records every company of the scope\n');
    expect(existsSync(history)).toBe(false);
  });

  it('refuses a policy with an unknown key in one line, exit 2', async () => {
    const bad = join(home, 'bad-policy.json');
    writeFileSync(bad, JSON.stringify({ graceDays: 14, leadDay: [30] }));
    const result = await runCli(['expired', '--state', 'lapsed', '--policy', bad], home, env());
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `lapse expired: ${bad}: unknown key "leadDay" (known: graceDays, leadDays, licenceTypes)\n`,
    );
  });
});
