// Roll-ups (--group-by), segments (--text, --where, --reseller, --licence-type), ageing buckets and `lapse tree`
// through the built CLI against the real server on both databases: every total, id list and count equals what the
// test computes from the database itself, whether the server groups and filters (clustered search, server filter)
// or the fault proxy makes the client do it.
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, ageingBucketOf, dayStartUtc, daysBetween, utcDayOfMs } from '../src/contract/index.js';
import { type CliFixture, startCliFixture } from './support/cli-fixture.js';
import type { CliResult } from './support/cli-process.js';
import { companiesBelow } from './support/companies-below.js';
import { DATABASE_KINDS } from './support/databases.js';
import type { FaultProxy } from './support/fault-proxy.js';
import type { RollUpJson, Totals } from './support/roll-up-json.js';
import type { TestServer } from './support/test-server.js';

const SEED_TODAY = '2026-03-10';
const PINNED_NOW = '2026-03-10T12:00:00Z';

interface Row {
  id: string;
  name: string;
  path: string;
  reseller: string;
  licenceType: string;
  licenceTypeId: string;
  endAt: number | null;
  targetUsers: number;
  isOverLimit: boolean;
}

const isExpired = (row: Row, day: string) => row.endAt !== null && row.endAt < dayStartUtc(day);
const isRenewing = (row: Row, day: string, within: number) =>
  row.endAt !== null && row.endAt >= dayStartUtc(day) && row.endAt < dayStartUtc(addDays(day, within + 1));

/** Totals per group, computed here from the rows read out of the database. */
function rollUpTruth(rows: readonly Row[], groupOf: (row: Row) => string, within: number) {
  const groups = new Map<string, Totals>();
  const total: Totals = { companies: 0, expired: 0, renewing: 0, overLimit: 0, seatsAffected: 0 };
  for (const row of rows) {
    const key = groupOf(row);
    const group = groups.get(key) ?? { companies: 0, expired: 0, renewing: 0, overLimit: 0, seatsAffected: 0 };
    groups.set(key, group);
    const [e, r, o] = [isExpired(row, SEED_TODAY), isRenewing(row, SEED_TODAY, within), row.isOverLimit];
    for (const totals of [group, total]) {
      totals.companies += 1;
      totals.expired += Number(e);
      totals.renewing += Number(r);
      totals.overLimit += Number(o);
      if (e || r || o) totals.seatsAffected += row.targetUsers;
    }
  }
  return { groups: Object.fromEntries([...groups].sort(([a], [b]) => (a < b ? -1 : 1))), total };
}

interface StatePolicy {
  graceDays: number;
  leadDays: number[];
}

const DEFAULT_POLICY: StatePolicy = { graceDays: 14, leadDays: [30, 7, 0] };

/** The lifecycle state of a row on the seed's day, worked out here from its stored end (README's table). */
function stateOf(row: Row, policy: StatePolicy): string {
  if (row.endAt === null) return 'open-ended';
  const renewalDay = utcDayOfMs(row.endAt);
  const daysLeft = daysBetween(SEED_TODAY, renewalDay);
  if (daysLeft < 0) return -daysLeft <= policy.graceDays ? 'in-grace' : 'lapsed';
  return daysLeft <= Math.max(...policy.leadDays) ? 'renewing' : 'active';
}

const groupsOf = (rollUp: RollUpJson) =>
  Object.fromEntries(
    rollUp.groups.map(({ name, companies, expired, renewing, overLimit, seatsAffected }) => [
      name,
      { companies, expired, renewing, overLimit, seatsAffected },
    ]),
  );

function parseJson<T>(result: CliResult): T {
  expect(result.stderr).not.toMatch(/^lapse( [\w-]+)*: /m);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

const idsOf = (listing: { companies: { companyResourceId: string }[] }) =>
  listing.companies.map((company) => company.companyResourceId).sort();

describe.each(DATABASE_KINDS)('roll-ups, segments and the tree on %s', (kind) => {
  let server: TestServer;
  let proxy: FaultProxy;
  let workDir: string;
  let rows: Row[];
  let fixture: CliFixture;
  const lapse = (args: string[], baseUrl?: string) => fixture.lapse(args, baseUrl);
  type Truth = ReturnType<typeof rollUpTruth>;
  /** The roll-up of `args` equals the truth straight (server filter) and through the proxy in `modes` (ordered scan). */
  const expectOnBothStrategies = async (args: string[], modes: Parameters<FaultProxy['setModes']>[0], truth: Truth) => {
    const direct = parseJson<RollUpJson & { strategy: { name: string } }>(await lapse(args));
    expect(direct.strategy.name).toBe('server-filter');
    expect(groupsOf(direct)).toEqual(truth.groups);
    expect(direct.total).toEqual(truth.total);
    proxy.setModes(modes);
    const fallback = parseJson<RollUpJson & { strategy: { name: string } }>(await lapse(args, proxy.baseUrl));
    expect(fallback.strategy.name).toBe('ordered-scan');
    expect(groupsOf(fallback)).toEqual(truth.groups);
    expect(fallback.total).toEqual(truth.total);
  };

  beforeAll(async () => {
    fixture = await startCliFixture({ kind, today: SEED_TODAY, now: PINNED_NOW, workDirPrefix: 'lapse-roll-up-' });
    ({ server, proxy, workDir } = fixture);
    const stored = await companiesBelow(server, server.credentials.reseller.companyResourceId);
    rows = stored.map((row) => ({
      id: String(row.resource_id),
      path: String(row.path),
      reseller: String(row.reseller_name ?? '(none)'),
      licenceType: String(row.license_type_name ?? '(none)'),
      licenceTypeId: String(row.license_type_resource_id ?? ''),
      name: String(row.name),
      endAt: row.license_end_at === null ? null : Number(row.license_end_at),
      targetUsers: Number(row.target_user_count),
      isOverLimit:
        Number(row.is_number_of_users_limited) === 1 && Number(row.target_user_count) > Number(row.number_of_users),
    }));
  }, 180_000);

  afterAll(async () => {
    await fixture?.close();
  });

  describe('--group-by', () => {
    it('totals every company per reseller from the clustered search, and the same when the server ignores it', async () => {
      const truth = rollUpTruth(rows, (row) => row.reseller, 30);
      const clustered = parseJson<RollUpJson>(await lapse(['companies', '--group-by', 'reseller', '--format', 'json']));
      expect(clustered.grouping.source).toBe('clustered');
      expect(groupsOf(clustered)).toEqual(truth.groups);
      expect(clustered.total).toEqual(truth.total);
      proxy.setModes({ ignoreClustered: true });
      const flat = parseJson<RollUpJson>(
        await lapse(['companies', '--group-by', 'reseller', '--format', 'json'], proxy.baseUrl),
      );
      expect(flat.grouping.source).toBe('client');
      expect(flat.grouping.reason).toMatch(/clustered search was not used/);
      expect(groupsOf(flat)).toEqual(truth.groups);
      expect(flat.total).toEqual(truth.total);
    });

    it('totals the expired per reseller on the server filter and on the fallback', async () => {
      const truth = rollUpTruth(
        rows.filter((row) => isExpired(row, SEED_TODAY)),
        (row) => row.reseller,
        30,
      );
      const direct = parseJson<RollUpJson>(await lapse(['expired', '--group-by', 'reseller', '--format', 'json']));
      expect(groupsOf(direct)).toEqual(truth.groups);
      expect(direct.total).toEqual(truth.total);
      proxy.setModes({ ignoreClustered: true, rejectDateFilter: true });
      const fallback = parseJson<RollUpJson & { strategy: { name: string } }>(
        await lapse(['expired', '--group-by', 'reseller', '--format', 'json'], proxy.baseUrl),
      );
      expect(fallback.grouping.source).toBe('client');
      expect(fallback.strategy.name).toBe('ordered-scan');
      expect(groupsOf(fallback)).toEqual(truth.groups);
      expect(fallback.total).toEqual(truth.total);
    });

    it('totals renewals within N days per licence type, on both strategies', async () => {
      const truth = rollUpTruth(
        rows.filter((row) => isRenewing(row, SEED_TODAY, 14)),
        (row) => row.licenceType,
        14,
      );
      const args = ['renewals', '--within', '14d', '--group-by', 'licence-type', '--format', 'json'];
      await expectOnBothStrategies(args, { ignoreDateFilter: true }, truth);
    });

    it('counts renewals in --within days beside the over-limit companies', async () => {
      const truth = rollUpTruth(
        rows.filter((row) => row.isOverLimit),
        (row) => row.reseller,
        90,
      );
      const result = parseJson<RollUpJson>(
        await lapse(['over-limit', '--group-by', 'reseller', '--within', '90', '--format', 'json']),
      );
      expect(groupsOf(result)).toEqual(truth.groups);
      expect(result.total).toEqual(truth.total);
    });

    it('writes a CSV of subtotal rows with a Group column and a total row, and an XLSX sheet of the same', async () => {
      const truth = rollUpTruth(rows, (row) => row.licenceType, 30);
      const csv = await lapse(['companies', '--group-by', 'licence-type', '--format', 'csv']);
      expect(csv.code).toBe(0);
      expect(csv.stderr).toMatch(/grouped by the client/);
      const records = parse(csv.stdout.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
      expect(Object.keys(records[0] ?? {})).toEqual([
        'Group',
        'Group ID',
        'Companies',
        'Expired',
        'Renewing ≤ 30 d',
        'Over limit',
        'Seats affected',
      ]);
      expect(records.at(-1)?.Group).toBe('Total');
      expect(Number(records.at(-1)?.Companies)).toBe(truth.total.companies);
      for (const record of records.slice(0, -1)) {
        expect(Number(record.Expired)).toBe(truth.groups[record.Group ?? '']?.expired);
      }
      const output = join(workDir, 'roll-up.xlsx');
      expect(
        (await lapse(['companies', '--group-by', 'licence-type', '--format', 'xlsx', '--output', output])).code,
      ).toBe(0);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(output);
      const sheet = workbook.getWorksheet('Roll-up');
      expect(sheet?.getRow(1).getCell(1).value).toBe('Group');
      expect(sheet?.actualRowCount).toBe(records.length + 1);
      expect(sheet?.getRow(records.length + 1).getCell(3).value).toBe(truth.total.companies);
    });

    it('prints a table with a total row and says who grouped', async () => {
      const result = await lapse(['expired', '--group-by', 'reseller']);
      expect(result.code).toBe(0);
      const truth = rollUpTruth(
        rows.filter((row) => isExpired(row, SEED_TODAY)),
        (row) => row.reseller,
        30,
      );
      expect(result.stdout).toMatch(new RegExp(`^Total\\s+${truth.total.companies}\\s+${truth.total.expired}\\s`, 'm'));
      expect(result.stdout).toMatch(/^grouped by the (server|client): /m);
    });

    it('refuses an unknown grouping in one line', async () => {
      const result = await lapse(['expired', '--group-by', 'country']);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/--group-by <key>' argument 'country' is invalid/);
    });

    it('totals the portfolio per lifecycle state, in the lifecycle order, under the default policy', async () => {
      const truth = rollUpTruth(rows, (row) => stateOf(row, DEFAULT_POLICY), 30);
      const result = parseJson<RollUpJson>(await lapse(['companies', '--group-by', 'state', '--format', 'json']));
      expect(result.groupBy).toBe('state');
      expect(result.grouping.source).toBe('client');
      expect(groupsOf(result)).toEqual(truth.groups);
      expect(result.total).toEqual(truth.total);
      const order = ['active', 'renewing', 'in-grace', 'lapsed', 'open-ended'];
      const names = result.groups.map((group) => group.name);
      expect(names).toEqual(order.filter((state) => names.includes(state)));
      expect(new Set(names).size).toBeGreaterThanOrEqual(3);
    });

    it('totals the expired per state (in grace, lapsed) on the server filter and on the fallback, under --policy', async () => {
      const policy = { graceDays: 45, leadDays: [60, 14] };
      const policyFile = join(workDir, 'state-policy.json');
      await writeFile(policyFile, JSON.stringify(policy));
      const truth = rollUpTruth(
        rows.filter((row) => isExpired(row, SEED_TODAY)),
        (row) => stateOf(row, policy),
        30,
      );
      expect(Object.keys(truth.groups).sort()).toEqual(['in-grace', 'lapsed']);
      const args = ['expired', '--group-by', 'state', '--policy', policyFile, '--format', 'json'];
      await expectOnBothStrategies(args, { rejectDateFilter: true }, truth);
    });

    it('totals renewals per state on both strategies, and prints the states in a table with the total', async () => {
      const truth = rollUpTruth(
        rows.filter((row) => isRenewing(row, SEED_TODAY, 120)),
        (row) => stateOf(row, DEFAULT_POLICY),
        120,
      );
      // A 120-day window reaches past the default 30-day lead: both active and renewing companies are in it.
      expect(Object.keys(truth.groups).sort()).toEqual(['active', 'renewing']);
      const args = ['renewals', '--within', '120d', '--group-by', 'state', '--format', 'json'];
      await expectOnBothStrategies(args, { ignoreDateFilter: true }, truth);
      const table = await lapse(['renewals', '--within', '120d', '--group-by', 'state']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(/^State\s+ID\s+Companies\s+Expired\s+Renewing ≤ 120 d/);
      expect(table.stdout).toMatch(new RegExp(`^renewing\\s+${truth.groups.renewing?.companies}\\s`, 'm'));
      expect(table.stdout).toMatch(new RegExp(`^Total\\s+${truth.total.companies}\\s`, 'm'));
      expect(table.stdout).toMatch(/^2 states · /m);
      const refused = await lapse(['expired', '--group-by', 'state', '--state', 'lapsed']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(
        'lapse expired: --group-by cannot be combined with --record, --state or --lifecycle\n',
      );
    });
  });

  describe('segments', () => {
    const licenceType = () => rows.find((row) => row.licenceType !== '(none)') as Row;

    it('--licence-type, --text and --where narrow expired alike on the server filter and the fallback', async () => {
      const type = licenceType();
      const truth = rows
        .filter((row) => isExpired(row, SEED_TODAY) && row.licenceType === type.licenceType && row.targetUsers > 20)
        .map((row) => row.id)
        .sort();
      expect(truth.length).toBeGreaterThan(0);
      for (const value of [type.licenceType.toUpperCase(), type.licenceTypeId]) {
        const args = ['expired', '--licence-type', value, '--where', 'TargetUserCount > 20', '--format', 'json'];
        const direct = parseJson<{ strategy: string; companies: { companyResourceId: string }[] }>(await lapse(args));
        expect(direct.strategy).toBe('server-filter');
        expect(idsOf(direct)).toEqual(truth);
        proxy.setModes({ ignoreFilter: true });
        const fallback = parseJson<{ strategy: string; companies: { companyResourceId: string }[] }>(
          await lapse(args, proxy.baseUrl),
        );
        expect(fallback.strategy).not.toBe('server-filter');
        expect(idsOf(fallback)).toEqual(truth);
      }
    });

    it('--reseller by name or by id, and --text, narrow over-limit and renewals whichever strategy runs', async () => {
      const { subReseller } = server.credentials;
      const own = rows.find((row) => row.id === subReseller.companyResourceId) as Row;
      const renewingTruth = rows
        .filter((row) => row.reseller === own.name && isRenewing(row, SEED_TODAY, 365))
        .map((row) => row.id)
        .sort();
      expect(renewingTruth.length).toBeGreaterThan(0);
      proxy.setModes({ ignoreFilter: true });
      for (const baseUrl of [server.baseUrl, proxy.baseUrl]) {
        for (const value of [own.name, subReseller.companyResourceId]) {
          const result = parseJson<{ companies: { companyResourceId: string }[] }>(
            await lapse(['renewals', '--within', '365', '--reseller', value, '--format', 'json'], baseUrl),
          );
          expect(idsOf(result)).toEqual(renewingTruth);
        }
      }
      const text = (rows.find((row) => row.isOverLimit) as Row).name.slice(1, 4).toLowerCase();
      const overTruth = rows
        .filter(
          (row) =>
            row.isOverLimit && (row.reseller.toLowerCase().includes(text) || row.name.toLowerCase().includes(text)),
        )
        .map((row) => row.id)
        .sort();
      expect(overTruth.length).toBeGreaterThan(0);
      proxy.setModes({ ignoreFilter: true });
      for (const baseUrl of [server.baseUrl, proxy.baseUrl]) {
        const result = parseJson<{ strategy: string; companies: { companyResourceId: string }[] }>(
          await lapse(['over-limit', '--text', text, '--format', 'json'], baseUrl),
        );
        expect(result.strategy).toBe(baseUrl === proxy.baseUrl ? 'full-scan' : 'server-filter');
        expect(idsOf(result)).toEqual(overTruth);
      }
    });

    it('narrows the export of a view the same way', async () => {
      const type = licenceType();
      const truth = rows
        .filter((row) => isExpired(row, SEED_TODAY) && row.licenceTypeId === type.licenceTypeId)
        .map((row) => row.id)
        .sort();
      const result = await lapse(['export', 'expired', '--licence-type', type.licenceTypeId, '--output', '-']);
      expect(result.code, result.stderr).toBe(0);
      const records = parse(result.stdout.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
      expect(records.map((record) => record['Company ID']).sort()).toEqual(truth);
    });

    it('refuses a --where a listing cannot check on its rows, and leaves it to the server in a search', async () => {
      for (const args of [['expired'], ['companies', '--group-by', 'reseller']]) {
        const result = await lapse([...args, '--where', 'ModuleResourceId = abc']);
        expect(result.code).toBe(2);
        expect(result.stderr.trim().split('\n')).toHaveLength(1);
      }
      const search = parseJson<{ count: number }>(
        await lapse(['companies', '--where', 'ModuleResourceId = abc', '--format', 'json']),
      );
      expect(search.count).toBe(0);
    });
  });

  describe('ageing', () => {
    const expiredRows = () => rows.filter((row) => isExpired(row, SEED_TODAY));
    const bucketOf = (row: Row) =>
      row.endAt === null ? undefined : ageingBucketOf(utcDayOfMs(row.endAt), SEED_TODAY)?.id;

    it('counts the expired per ageing bucket in JSON, under the table, and in a CSV column', async () => {
      const truth: Record<string, number> = {};
      for (const row of expiredRows()) {
        const id = bucketOf(row) as string;
        truth[id] = (truth[id] ?? 0) + 1;
      }
      expect(Object.keys(truth).length).toBeGreaterThan(1);
      const json = parseJson<{ ageing: { bucket: string; count: number }[] }>(
        await lapse(['expired', '--format', 'json']),
      );
      expect(Object.fromEntries(json.ageing.map((entry) => [entry.bucket, entry.count]))).toEqual(truth);
      const table = await lapse(['expired']);
      expect(table.stdout).toMatch(/^ageing: overdue 0–30 days: \d+/m);
      const csv = await lapse(['expired', '--format', 'csv']);
      const records = parse(csv.stdout.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
      for (const record of records) {
        const row = rows.find((candidate) => candidate.id === record['Company ID']) as Row;
        const days = daysBetween(SEED_TODAY, utcDayOfMs(row.endAt as number));
        const expected = days >= -30 ? '0–30' : days >= -60 ? '31–60' : days >= -90 ? '61–90' : '90+';
        expect(record.Ageing).toBe(`overdue ${expected} days`);
      }
      expect(csv.stderr).toMatch(/^ageing: /m);
    });

    it('puts renewals in the due buckets, in an XLSX column too', async () => {
      const output = join(workDir, 'renewals.xlsx');
      const result = await lapse(['renewals', '--within', '60', '--format', 'xlsx', '--output', output]);
      expect(result.code).toBe(0);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.readFile(output);
      const sheet = workbook.getWorksheet('Companies');
      expect(sheet?.getRow(1).getCell(15).value).toBe('Ageing');
      const due = new Set<string>();
      sheet?.eachRow((row, number) => {
        if (number > 1) due.add(String(row.getCell(15).value));
      });
      expect([...due].every((label) => /^due (0–7|8–30|31–90) days$/.test(label))).toBe(true);
      expect(readFileSync(output).length).toBeGreaterThan(0);
    });
  });

  describe('lapse tree', () => {
    const pathOf = (id: string) => rows.find((row) => row.id === id)?.path ?? '';
    const below = (id: string) => rows.filter((row) => row.path.startsWith(pathOf(id)) && row.id !== id);

    interface Node {
      resourceId: string;
      companiesBelow: number;
      expiredBelow: number;
      children: Node[];
    }

    it('counts the companies and expired licences below every node', async () => {
      const tree = parseJson<Node[]>(await lapse(['tree', '--format', 'json']));
      const visit = (nodes: Node[]): number =>
        nodes.reduce((sum, node) => {
          const under = below(node.resourceId);
          expect(node.companiesBelow).toBe(under.length);
          expect(node.expiredBelow).toBe(under.filter((row) => isExpired(row, SEED_TODAY)).length);
          return sum + 1 + visit(node.children);
        }, 0);
      expect(visit(tree)).toBe(rows.length);
    });

    it('--depth cuts the levels shown, not the counts', async () => {
      const tree = parseJson<Node[]>(await lapse(['tree', '--depth', '1', '--format', 'json']));
      expect(tree.every((node) => node.children.length === 0)).toBe(true);
      expect(tree.reduce((sum, node) => sum + 1 + node.companiesBelow, 0)).toBe(rows.length);
      const table = await lapse(['tree', '--depth', '2']);
      expect(table.code).toBe(0);
      expect(table.stdout).toMatch(new RegExp(`^${rows.length} companies · scope: `, 'm'));
      expect(table.stdout.split('\n').some((line) => line.startsWith('  '))).toBe(true);
      expect(table.stdout.split('\n').some((line) => line.startsWith('    '))).toBe(false);
    });
  });
});
