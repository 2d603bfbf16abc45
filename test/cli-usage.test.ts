// `lapse usage` and `client.monthlyUsage` over real HTTP on both databases: the month's total and its subtotals
// per reseller and per licence type equal sums computed here from the database file (companies walked through
// parent_id, the month's counts read from monthly_usage), for the current month and an earlier one; a server that
// ignores the month filter (the fault proxy dropping MonthlyActiveUser items) is a one-line usage error.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type MonthlyUsage, MonthlyUsageUnsupportedError, ValidationError } from '../src/client/index.js';
import { type CliResult, requireBuiltCli, runCli } from './support/cli-process.js';
import {
  type CompanyRecord,
  type CompanyTree,
  readCompanyTree,
  readMonthlyUsage,
  type MonthlyUsage as UsageTable,
} from './support/company-rows.js';
import { DATABASE_KINDS } from './support/databases.js';
import { type FaultProxy, startFaultProxy } from './support/fault-proxy.js';
import { pinnedClock } from './support/pinned-clock.js';
import { loadWorkbook, sheetTexts } from './support/spreadsheet-readers.js';
import { startTestServer, type TestCredential, type TestServer } from './support/test-server.js';

/** pinnedClock's month is 2026-11; the seed records the 24 months before it. */
const CURRENT_MONTH = '2026-11';
const EARLIER_MONTH = '2026-10';

interface Expected {
  total: number;
  companies: number;
  byReseller: { resellerName: string | null; companies: number; total: number }[];
  byLicenceType: { licenseTypeResourceId: string | null; companies: number; total: number }[];
}

function tally<K>(
  rows: readonly CompanyRecord[],
  keyOf: (row: CompanyRecord) => K,
  countOf: (row: CompanyRecord) => number,
) {
  const tallies = new Map<K, { companies: number; total: number }>();
  for (const row of rows) {
    const tallied = tallies.get(keyOf(row)) ?? { companies: 0, total: 0 };
    tallied.companies++;
    tallied.total += countOf(row);
    tallies.set(keyOf(row), tallied);
  }
  return [...tallies];
}

/**
 * The month's usage below `companyResourceId` (and of the company itself, when a scope names it: contract §3), from
 * the file alone; the current month is the company's own count.
 */
function expectedUsage(
  tree: CompanyTree,
  usage: UsageTable,
  companyResourceId: string,
  month: string,
  includeSelf = false,
): Expected {
  const below = tree.descendants(companyResourceId);
  const rows = includeSelf ? [tree.company(companyResourceId), ...below] : below;
  const countOf = (row: CompanyRecord) =>
    month === CURRENT_MONTH ? row.monthlyActiveUserCount : (usage.get(row.id)?.get(month) ?? 0);
  const byKey = <K>(a: [K, unknown], b: [K, unknown]) => String(a[0]).localeCompare(String(b[0]));
  return {
    total: rows.reduce((sum, row) => sum + countOf(row), 0),
    companies: rows.length,
    byReseller: tally(rows, (row) => tree.resellerName(row), countOf)
      .sort(byKey)
      .map(([resellerName, sums]) => ({ resellerName, ...sums })),
    byLicenceType: tally(rows, (row) => row.licenseTypeResourceId, countOf)
      .sort(byKey)
      .map(([licenseTypeResourceId, sums]) => ({ licenseTypeResourceId, ...sums })),
  };
}

/** The report's figures in the order `expectedUsage` gives them. */
function figuresOf(report: MonthlyUsage): Expected {
  const byKey =
    <T>(key: (row: T) => unknown) =>
    (a: T, b: T) =>
      String(key(a)).localeCompare(String(key(b)));
  return {
    total: report.total,
    companies: report.companies,
    byReseller: report.byReseller
      .map(({ resellerName, companies, total }) => ({ resellerName, companies, total }))
      .sort(byKey((row) => row.resellerName)),
    byLicenceType: report.byLicenceType
      .map(({ licenseTypeResourceId, companies, total }) => ({ licenseTypeResourceId, companies, total }))
      .sort(byKey((row) => row.licenseTypeResourceId)),
  };
}

let workDir: string;

beforeAll(async () => {
  requireBuiltCli();
  workDir = await mkdtemp(join(tmpdir(), 'lapse-usage-'));
});
afterAll(() => rm(workDir, { recursive: true, force: true }));

describe.each(DATABASE_KINDS)('monthly usage on %s', (kind) => {
  let server: TestServer;
  let proxy: FaultProxy;
  let tree: CompanyTree;
  let usage: UsageTable;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 300, ...pinnedClock });
    proxy = await startFaultProxy(server.baseUrl, { ignoreMonthFilter: true });
    tree = await readCompanyTree(server.databaseLocation);
    usage = await readMonthlyUsage(server.databaseLocation);
  }, 120_000);
  afterAll(async () => {
    await proxy?.close();
    await server?.close();
  });

  const lapse = (args: string[], credential: TestCredential, options: { baseUrl?: string; now?: string } = {}) =>
    runCli(['usage', ...args], {
      home: workDir,
      env: {
        LAPSE_BASE_URL: options.baseUrl ?? server.baseUrl,
        LAPSE_CLIENT_ID: credential.clientId,
        LAPSE_CLIENT_SECRET: credential.clientSecret,
        LAPSE_NOW: options.now ?? '2026-11-26T12:00:00Z',
      },
    });

  function reportOf(result: CliResult): MonthlyUsage {
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as MonthlyUsage;
  }

  it.each([CURRENT_MONTH, EARLIER_MONTH])(
    'sums %s as the database file does, per reseller and licence type',
    async (month) => {
      const { reseller } = server.credentials;
      const report = reportOf(await lapse(['--month', month, '--format', 'json'], reseller));
      expect(report.month).toBe(month);
      const expected = expectedUsage(tree, usage, reseller.companyResourceId, month);
      expect(expected.total).toBeGreaterThan(0);
      expect(figuresOf(report)).toEqual(expected);
    },
  );

  it('reads an earlier month differently from the current one (the history is really read)', async () => {
    // Root's search lists the whole tree, the platform company included.
    const { root } = server.credentials;
    const current = reportOf(await lapse(['--format', 'json'], root));
    const earlier = reportOf(await lapse(['--month', EARLIER_MONTH, '--format', 'json'], root));
    expect(current.month).toBe(CURRENT_MONTH);
    expect(figuresOf(current)).toEqual(expectedUsage(tree, usage, root.companyResourceId, CURRENT_MONTH, true));
    expect(figuresOf(earlier)).toEqual(expectedUsage(tree, usage, root.companyResourceId, EARLIER_MONTH, true));
    expect(earlier.total).not.toBe(current.total);
  });

  it('takes the current month in --tz by default', async () => {
    // 05:00 UTC on 1 November is still 31 October in Los Angeles.
    const report = reportOf(
      await lapse(['--tz', 'America/Los_Angeles', '--format', 'json'], server.credentials.reseller, {
        now: '2026-11-01T05:00:00Z',
      }),
    );
    expect(report.month).toBe(EARLIER_MONTH);
  });

  it('writes the same figures as a table, CSV and an Excel sheet', async () => {
    const { reseller } = server.credentials;
    const expected = expectedUsage(tree, usage, reseller.companyResourceId, EARLIER_MONTH);
    const table = await lapse(['--month', EARLIER_MONTH], reseller);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toBe(
      `${EARLIER_MONTH}: ${expected.total} monthly active users over ${expected.companies} companies · scope: every company the credential sees`,
    );
    const csv = await lapse(['--month', EARLIER_MONTH, '--format', 'csv'], reseller);
    expect(csv.code).toBe(0);
    const rows = parse(csv.stdout, { bom: true, columns: true }) as Record<string, string>[];
    const file = join(workDir, `usage-${kind}.xlsx`);
    expect((await lapse(['--month', EARLIER_MONTH, '--format', 'xlsx', '--output', file], reseller)).code).toBe(0);
    const sheet = sheetTexts(await loadWorkbook(await readFile(file))).get('Usage') ?? [];
    const columns = Object.keys(rows[0] ?? {});
    // The reader pads every row to the company export's width.
    const [header, ...sheetRows] = sheet.map((row) => row.slice(0, columns.length));
    expect(header).toEqual(columns);
    expect(sheetRows).toEqual(rows.map((row) => Object.values(row)));
    const sumOf = (group: string) =>
      rows.filter((row) => row.Group === group).reduce((sum, row) => sum + Number(row['Monthly Active Users']), 0);
    expect(rows.find((row) => row.Group === 'total')?.['Monthly Active Users']).toBe(String(expected.total));
    expect(sumOf('reseller')).toBe(expected.total);
    expect(sumOf('licence type')).toBe(expected.total);
    expect(rows.filter((row) => row.Group === 'reseller')).toHaveLength(expected.byReseller.length);
  });

  it('fails with one line and exit 2 against a server that ignores the month filter', async () => {
    const result = await lapse(['--month', EARLIER_MONTH], server.credentials.reseller, { baseUrl: proxy.baseUrl });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^lapse usage: the server at \S+ ignores the MonthlyActiveUser filter, .*2026-10/),
    ]);
  });

  it('refuses a month that is not YYYY-MM with exit 2 before any request', async () => {
    proxy.resetCounts();
    for (const month of ['2026-13', '2026-1', '26-11', '2026-11-01']) {
      const result = await lapse(['--month', month], server.credentials.reseller, { baseUrl: proxy.baseUrl });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`"${month}" is not a month`);
    }
    expect(proxy.counts.total).toBe(0);
  });

  describe('the SDK', () => {
    const clientOf = (credential: TestCredential, baseUrl = server.baseUrl) =>
      createClient({ baseUrl, clientId: credential.clientId, clientSecret: credential.clientSecret });

    it('scopes one call to companyId', async () => {
      const { root, subReseller } = server.credentials;
      const report = await clientOf(root).monthlyUsage({
        month: EARLIER_MONTH,
        companyId: subReseller.companyResourceId,
      });
      const expected = expectedUsage(tree, usage, subReseller.companyResourceId, EARLIER_MONTH, true);
      expect(figuresOf(report)).toEqual(expected);
      expect(report.companies).toBe(tree.descendants(subReseller.companyResourceId).length + 1);
    });

    it('throws MonthlyUsageUnsupportedError, a ValidationError, when the month is ignored, and checks the month', async () => {
      const ignoring = clientOf(server.credentials.reseller, proxy.baseUrl);
      const failure = await ignoring.monthlyUsage({ month: CURRENT_MONTH }).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(MonthlyUsageUnsupportedError);
      expect(failure).toBeInstanceOf(ValidationError);
      await expect(ignoring.monthlyUsage({ month: '2026-13' })).rejects.toThrow(ValidationError);
    });
  });
});
