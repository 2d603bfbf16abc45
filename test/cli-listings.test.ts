// The built `lapse` CLI against the real server behind the fault proxy: for every misbehaviour the client must
// survive (contract §8), the listing holds exactly the companies an independent SQL query on the seeded
// database finds, and names the strategy that found them.
import { readdirSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayStartUtc } from '../src/contract/index.js';
import { type CliResult, requireBuiltCli, runCli } from './support/cli-process.js';
import { type FaultModes, startFaultProxy } from './support/fault-proxy.js';
import { startTestServer, type TestCredential, type TestServer } from './support/test-server.js';

const SEED_TODAY = '2026-03-10';
// 20:00 UTC on 10 March is already 11 March in Auckland (UTC+13) and still 10 March in Los Angeles (UTC-7).
const PINNED_NOW = '2026-03-10T20:00:00Z';
const PAGE_SIZE = 50;

/** The built CLI, in a clean environment: no config from the machine running the tests. */
const lapse = (args: string[], env: Record<string, string>): Promise<CliResult> => runCli(args, { home: workDir, env });

function envFor(baseUrl: string, credential: TestCredential): Record<string, string> {
  return {
    LAPSE_BASE_URL: baseUrl,
    LAPSE_CLIENT_ID: credential.clientId,
    LAPSE_CLIENT_SECRET: credential.clientSecret,
    LAPSE_NOW: PINNED_NOW,
  };
}

let server: TestServer;
let database: Database.Database;
let workDir: string;

/** Resource ids under `companyResourceId` (itself included when asked), matching an SQL condition. */
function truth(companyResourceId: string, condition: string, params: number[], includeSelf = false): string[] {
  const { path } = database.prepare('select path from companies where resource_id = ?').get(companyResourceId) as {
    path: string;
  };
  // The subtree is one range of the materialised path (src/server/db/schema.ts).
  const rows = database
    .prepare(
      `select resource_id from companies where path ${includeSelf ? '>=' : '>'} ? and path < ? and (${condition})`,
    )
    .all(path, `${path.slice(0, -1)}0`, ...params) as { resource_id: string }[];
  return rows.map((row) => row.resource_id).sort();
}

const expiredTruth = (companyResourceId: string, day: string, includeSelf = false) =>
  truth(companyResourceId, 'license_end_at < ?', [dayStartUtc(day)], includeSelf);

interface ListingJson {
  strategy: string;
  reason: string;
  asOf: string;
  timeZone: string;
  count: number;
  companies: { companyResourceId: string }[];
}

function parseListing(result: CliResult): ListingJson {
  // An error line is `lapse <command>: <message>`.
  expect(result.stderr).not.toMatch(/^lapse( [\w-]+)*: /m);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as ListingJson;
}

const idsOf = (listing: ListingJson) => listing.companies.map((company) => company.companyResourceId).sort();

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'lapse-cli-'));
  // `npm test` builds first (scripts/test.sh); the CLI under test is bin/lapse.js as installed.
  requireBuiltCli();
  server = await startTestServer({ companies: 1500, seed: 11, today: SEED_TODAY });
  database = new Database(server.databaseLocation, { readonly: true });
}, 180_000);

afterAll(async () => {
  database?.close();
  await server?.close();
  await rm(workDir, { recursive: true, force: true });
});

const EXPIRED_CASES: { name: string; modes: FaultModes; strategy: string }[] = [
  { name: 'a faithful server', modes: {}, strategy: 'server-filter' },
  {
    name: 'the legacy { isSuccess, data, messages } envelope',
    modes: { legacyEnvelope: true },
    strategy: 'server-filter',
  },
  { name: 'PascalCase keys', modes: { pascalCase: true }, strategy: 'server-filter' },
  {
    name: 'numbers as strings and numberOfUsers as a number',
    modes: { numbersAsStrings: true },
    strategy: 'server-filter',
  },
  { name: 'dates without a zone offset', modes: { datesWithoutOffset: true }, strategy: 'server-filter' },
  { name: 'the LicenseEndDate filter rejected', modes: { rejectDateFilter: true }, strategy: 'ordered-scan' },
  { name: 'the LicenseEndDate filter silently ignored', modes: { ignoreDateFilter: true }, strategy: 'ordered-scan' },
  {
    name: 'the filter rejected and orderBy LicenseEndDate rejected',
    modes: { rejectDateFilter: true, rejectOrderBy: ['LicenseEndDate'] },
    strategy: 'ordered-scan',
  },
  {
    name: 'the filter rejected and orderBy RenewalDate rejected',
    modes: { rejectDateFilter: true, rejectOrderBy: ['RenewalDate'] },
    strategy: 'ordered-scan',
  },
  {
    name: 'the filter and both renewal orderings rejected',
    modes: { rejectDateFilter: true, rejectOrderBy: ['LicenseEndDate', 'RenewalDate'] },
    strategy: 'full-scan',
  },
  {
    name: '429 every 3rd request with Retry-After in seconds',
    modes: { rateLimit: { every: 3 } },
    strategy: 'server-filter',
  },
  {
    name: '429 every 2nd request with Retry-After as an HTTP date',
    modes: { rateLimit: { every: 2, retryAfter: 'http-date', retryAfterSeconds: 1 } },
    strategy: 'server-filter',
  },
  {
    name: '429 every 3rd request without Retry-After',
    modes: { rateLimit: { every: 3, retryAfter: 'none' }, ignoreDateFilter: true },
    strategy: 'ordered-scan',
  },
  {
    name: '503 every 3rd request',
    modes: { unavailable: { every: 3, retryAfter: 'none' } },
    strategy: 'server-filter',
  },
  {
    name: 'a token that expires every 2 calls mid-listing',
    modes: { tokenUses: 2, rejectDateFilter: true },
    strategy: 'ordered-scan',
  },
  { name: 'slow pages', modes: { slowPageMs: 150, ignoreDateFilter: true }, strategy: 'ordered-scan' },
  {
    name: 'a connection reset mid-page',
    modes: { resetPageEvery: 2, rejectDateFilter: true, rejectOrderBy: ['LicenseEndDate', 'RenewalDate'] },
    strategy: 'full-scan',
  },
  {
    name: 'everything at once',
    modes: {
      legacyEnvelope: true,
      pascalCase: true,
      numbersAsStrings: true,
      datesWithoutOffset: true,
      ignoreDateFilter: true,
      rejectOrderBy: ['LicenseEndDate'],
      rateLimit: { every: 4 },
      unavailable: { every: 5, retryAfter: 'none' },
      tokenUses: 3,
      resetPageEvery: 3,
    },
    strategy: 'ordered-scan',
  },
];

describe('lapse expired --format json', () => {
  it.each(EXPIRED_CASES)('lists exactly the expired companies with $name', async ({ modes, strategy }) => {
    const proxy = await startFaultProxy(server.baseUrl, modes);
    try {
      const reseller = server.credentials.reseller;
      const result = await lapse(
        ['expired', '--format', 'json', '--page-size', String(PAGE_SIZE)],
        envFor(proxy.baseUrl, reseller),
      );
      const listing = parseListing(result);
      const expected = expiredTruth(reseller.companyResourceId, SEED_TODAY);
      expect(expected.length).toBeGreaterThan(PAGE_SIZE); // the listing spans pages
      expect(idsOf(listing)).toEqual(expected);
      expect(listing).toMatchObject({ strategy, asOf: SEED_TODAY, timeZone: 'UTC', count: expected.length });
      expect(listing.reason).not.toBe('');
    } finally {
      await proxy.close();
    }
  });

  it('costs at most ceil(n / pageSize) + 2 requests when the server filter works', async () => {
    const proxy = await startFaultProxy(server.baseUrl, {});
    try {
      const reseller = server.credentials.reseller;
      const pageSize = 20;
      const listing = parseListing(
        await lapse(['expired', '--format', 'json', '--page-size', String(pageSize)], envFor(proxy.baseUrl, reseller)),
      );
      const n = expiredTruth(reseller.companyResourceId, SEED_TODAY).length;
      expect(listing.count).toBe(n);
      expect(proxy.counts.total).toBeLessThanOrEqual(Math.ceil(n / pageSize) + 2);
      expect(proxy.counts.byPath['/connect/token']).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('scopes the listing to one customer with --company', async () => {
    const { reseller, subReseller } = server.credentials;
    const result = await lapse(
      ['expired', '--format', 'json', '--company', subReseller.companyResourceId],
      envFor(server.baseUrl, reseller),
    );
    expect(idsOf(parseListing(result))).toEqual(expiredTruth(subReseller.companyResourceId, SEED_TODAY, true));
  });
});

describe('lapse expired --format csv|xlsx', () => {
  it('writes the listing as a contract §5 CSV file', async () => {
    const output = join(workDir, 'expired.csv');
    const reseller = server.credentials.reseller;
    const result = await lapse(['expired', '--format', 'csv', '--output', output], envFor(server.baseUrl, reseller));
    expect(result.code).toBe(0);
    const lines = readFileSync(output, 'utf8')
      .split('\r\n')
      .filter((line) => line !== '');
    expect(lines[0]?.startsWith('\uFEFFCompany Name,Company ID,')).toBe(true);
    expect(lines).toHaveLength(expiredTruth(reseller.companyResourceId, SEED_TODAY).length + 1);
  });

  it('writes an xlsx workbook', async () => {
    const output = join(workDir, 'expired.xlsx');
    const result = await lapse(
      ['expired', '--format', 'xlsx', '--output', output],
      envFor(server.baseUrl, server.credentials.reseller),
    );
    expect(result.code).toBe(0);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(output);
    const sheet = workbook.getWorksheet('Companies');
    expect(sheet?.getRow(1).getCell(1).value).toBe('Company Name');
    expect(sheet?.actualRowCount).toBe(
      expiredTruth(server.credentials.reseller.companyResourceId, SEED_TODAY).length + 1,
    );
  });
});

describe('lapse renewals --within 30d', () => {
  // Renewal window [D, D+30] with both ends included.
  const renewalTruth = (companyResourceId: string, day: string) =>
    truth(companyResourceId, 'license_end_at >= ? and license_end_at < ?', [
      dayStartUtc(day),
      dayStartUtc(addDays(day, 31)),
    ]);

  it.each([
    { timeZone: 'Pacific/Auckland', today: '2026-03-11', modes: {} as FaultModes },
    { timeZone: 'America/Los_Angeles', today: '2026-03-10', modes: {} as FaultModes },
    { timeZone: 'Pacific/Auckland', today: '2026-03-11', modes: { rejectDateFilter: true } as FaultModes },
    { timeZone: 'America/Los_Angeles', today: '2026-03-10', modes: { ignoreDateFilter: true } as FaultModes },
  ])('takes "today" in $timeZone ($today) from the pinned clock, modes $modes', async ({ timeZone, today, modes }) => {
    const proxy = await startFaultProxy(server.baseUrl, modes);
    try {
      const reseller = server.credentials.reseller;
      const listing = parseListing(
        await lapse(
          ['renewals', '--within', '30d', '--tz', timeZone, '--format', 'json', '--page-size', String(PAGE_SIZE)],
          envFor(proxy.baseUrl, reseller),
        ),
      );
      expect(listing).toMatchObject({ asOf: today, timeZone });
      expect(idsOf(listing)).toEqual(renewalTruth(reseller.companyResourceId, today));
    } finally {
      await proxy.close();
    }
  });

  it('finds different companies for the two zones on the same instant', async () => {
    const reseller = server.credentials.reseller;
    const auckland = renewalTruth(reseller.companyResourceId, '2026-03-11');
    const losAngeles = renewalTruth(reseller.companyResourceId, '2026-03-10');
    // The seed puts renewals on most days, so the two windows differ at their edges.
    expect(auckland).not.toEqual(losAngeles);
  });
});

describe('lapse over-limit', () => {
  it('lists exactly the companies over their licence limit', async () => {
    const reseller = server.credentials.reseller;
    const listing = parseListing(await lapse(['over-limit', '--format', 'json'], envFor(server.baseUrl, reseller)));
    const expected = truth(
      reseller.companyResourceId,
      'is_number_of_users_limited = 1 and target_user_count > number_of_users',
      [],
    );
    expect(idsOf(listing)).toEqual(expected);
    expect(listing.strategy).toBe('server-filter');
  });
});

describe('lapse companies', () => {
  it('ANDs repeated --where items', async () => {
    const reseller = server.credentials.reseller;
    const result = await lapse(
      ['companies', '--format', 'json', '--where', 'TargetUserCount >= 100', '--where', 'LicenseEndDate < 2026-03-10'],
      envFor(server.baseUrl, reseller),
    );
    const listing = parseListing(result);
    const expected = truth(reseller.companyResourceId, 'target_user_count >= 100 and license_end_at < ?', [
      dayStartUtc('2026-03-10'),
    ]);
    expect(idsOf(listing)).toEqual(expected);
  });

  it('prints a table with the days overdue or left', async () => {
    const result = await lapse(
      ['companies', '--where', 'LicenseEndDate = 2026-03-07'],
      envFor(server.baseUrl, server.credentials.reseller),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Renewal date');
    if (result.stdout.includes('2026-03-07')) expect(result.stdout).toContain('3 overdue');
  });
});

describe('lapse export', () => {
  const csvDataRows = (path: string) =>
    readFileSync(path, 'utf8')
      .split('\r\n')
      .filter((line) => line !== '').length - 1;

  it("writes the server's export file", async () => {
    const output = join(workDir, 'server.csv');
    const reseller = server.credentials.reseller;
    const result = await lapse(
      ['export', '--type', 'csv', '--all-pages', '--output', output],
      envFor(server.baseUrl, reseller),
    );
    expect(result.code).toBe(0);
    expect(readFileSync(output, 'utf8').startsWith('\uFEFFCompany Name,Company ID')).toBe(true);
    expect(csvDataRows(output)).toBe(truth(reseller.companyResourceId, '1 = 1', []).length);
  });

  it('writes the file locally when the server has no export route', async () => {
    const proxy = await startFaultProxy(server.baseUrl, { noExportRoute: true });
    try {
      const output = join(workDir, 'local.csv');
      const reseller = server.credentials.reseller;
      const result = await lapse(
        ['export', '--type', 'csv', '--all-pages', '--page-size', '200', '--output', output],
        envFor(proxy.baseUrl, reseller),
      );
      expect(result.code).toBe(0);
      expect(result.stderr).toContain('no export route');
      expect(csvDataRows(output)).toBe(truth(reseller.companyResourceId, '1 = 1', []).length);
      expect(readFileSync(output, 'utf8')).toBe(readFileSync(join(workDir, 'server.csv'), 'utf8'));
    } finally {
      await proxy.close();
    }
  });

  it('leaves no file, not even a partial one, when the download is cut off', async () => {
    const proxy = await startFaultProxy(server.baseUrl, { cutExportAfterBytes: 2000 });
    try {
      const output = join(workDir, 'cut.csv');
      const result = await lapse(
        ['export', '--type', 'csv', '--all-pages', '--output', output],
        envFor(proxy.baseUrl, server.credentials.reseller),
      );
      expect(result.code).toBe(5);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(readdirSync(workDir).filter((name) => name.startsWith('cut.csv'))).toEqual([]);
    } finally {
      await proxy.close();
    }
  });
});

describe('lapse whoami', () => {
  it('shows the role and permissions, never the token', async () => {
    const result = await lapse(['whoami', '--format', 'json'], envFor(server.baseUrl, server.credentials.reseller));
    expect(result.code).toBe(0);
    const identity = JSON.parse(result.stdout);
    expect(identity.claims.role).toBe('Reseller');
    expect(identity.claims.user_company_resourceid).toBe(server.credentials.reseller.companyResourceId);
    expect(identity.permissions).toContain('companies/search|POST');
    expect(result.stdout).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  });
});

describe('exit codes and configuration', () => {
  it('exits 3 with one line on stderr for a refused credential', async () => {
    const result = await lapse(['expired'], {
      ...envFor(server.baseUrl, server.credentials.reseller),
      LAPSE_CLIENT_SECRET: 'wrong',
    });
    expect(result.code).toBe(3);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^lapse expired: /);
    expect(result.stderr).not.toContain('    at ');
  });

  it('exits 4 when the role may not search', async () => {
    const result = await lapse(['expired'], envFor(server.baseUrl, server.credentials.companyAdmin));
    expect(result.code).toBe(4);
  });

  it('exits 5 when the server cannot be reached', async () => {
    const result = await lapse(['expired'], {
      ...envFor('http://127.0.0.1:9', server.credentials.reseller),
    });
    expect(result.code).toBe(5);
  });

  it('exits 2 for a bad flag value', async () => {
    const result = await lapse(
      ['expired', '--tz', 'Mars/Olympus'],
      envFor(server.baseUrl, server.credentials.reseller),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Mars/Olympus');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exits 2 with one line for an invalid integer flag on each kind of reseller command', async () => {
    const env = envFor(server.baseUrl, server.credentials.reseller);
    for (const args of [
      ['expired', '--page-size', '0'],
      ['renewals', '--within', '-3d'],
      ['export', '--page', 'two'],
      ['companies', '--page-size', '100000'],
    ]) {
      const result = await lapse(args, env);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr, args.join(' ')).toMatch(/^error: option '.*' is invalid\. expected a whole number/);
    }
  });

  it('reads a private config file, and refuses one others can read with a chmod hint', async () => {
    const file = join(workDir, 'config.json');
    const reseller = server.credentials.reseller;
    await writeFile(
      file,
      JSON.stringify({ baseUrl: server.baseUrl, clientId: reseller.clientId, clientSecret: reseller.clientSecret }),
    );
    await chmod(file, 0o644);
    const refused = await lapse(['whoami', '--config', file], { LAPSE_NOW: PINNED_NOW });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`chmod 600 ${file}`);
    await chmod(file, 0o600);
    const accepted = await lapse(['whoami', '--config', file, '--format', 'json'], { LAPSE_NOW: PINNED_NOW });
    expect(accepted.code).toBe(0);
    expect(JSON.parse(accepted.stdout).claims.client_id).toBe(reseller.clientId);
  });
});
