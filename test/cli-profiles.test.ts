// Several profiles in one run (--profiles, --all-profiles) through the built CLI against two real servers, one on
// SQLite and one on PostgreSQL with different seeds, the second behind the fault proxy so it needs another
// strategy: the merged rows are the union of each profile's own listing with the right Profile on each, roll-ups
// merge per profile with a grand total (its file with the About sheet or manifest a profile's own has, each
// profile's facts in it), and a refused secret in one profile is one line naming it.
import { createHash } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliResult, requireBuiltCli, runCli } from './support/cli-process.js';
import { type FaultProxy, startFaultProxy } from './support/fault-proxy.js';
import type { RollUpJson, Totals } from './support/roll-up-json.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { xlsxSheets } from './support/xlsx-xml.js';

const SEED_TODAY = '2026-03-10';
const PINNED_NOW = '2026-03-10T12:00:00Z';

interface Company {
  companyResourceId: string;
  profile?: string;
}

interface ListingJson {
  strategy: string;
  count: number;
  companies: Company[];
}

interface MergedJson {
  asOf: string;
  profiles: { profile: string; strategy?: string; count?: number; error?: string; exitCode?: number }[];
  count: number;
  companies: Company[];
}

interface MergedRollUpJson {
  groupBy: string;
  profiles: (RollUpJson & { profile: string })[];
  total: Totals;
}

function parseJson<T>(result: CliResult): T {
  expect(result.stderr).not.toMatch(/^lapse( [\w-]+)*: /m);
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as T;
}

const idsOf = (companies: readonly Company[]) => companies.map((company) => company.companyResourceId).sort();

describe('listings over several profiles', () => {
  let east: TestServer;
  let west: TestServer;
  let westProxy: FaultProxy;
  let home: string;
  const lapse = (args: string[]) => runCli(args, { home, env: { LAPSE_NOW: PINNED_NOW } });

  beforeAll(async () => {
    requireBuiltCli();
    home = await mkdtemp(join(tmpdir(), 'lapse-profiles-'));
    const now = () => Date.parse(PINNED_NOW);
    [east, west] = await Promise.all([
      startTestServer({ kind: 'sqlite', companies: 300, seed: 11, today: SEED_TODAY, now }),
      startTestServer({ kind: 'postgres', companies: 250, seed: 29, today: SEED_TODAY, now }),
    ]);
    // The west account's server refuses date filters: its listing must find another strategy than the east's.
    westProxy = await startFaultProxy(west.baseUrl);
    westProxy.setModes({ rejectDateFilter: true });
    const profileOf = (baseUrl: string, credential: { clientId: string; clientSecret: string }) => ({
      baseUrl,
      clientId: credential.clientId,
      clientSecret: credential.clientSecret,
    });
    const config = {
      profiles: {
        east: profileOf(east.baseUrl, east.credentials.reseller),
        west: profileOf(westProxy.baseUrl, west.credentials.reseller),
        stale: { ...profileOf(east.baseUrl, east.credentials.subReseller), clientSecret: 'not-the-secret' },
      },
    };
    const directory = join(home, 'xdg', 'lapse');
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, 'config.json'), JSON.stringify(config), { mode: 0o600 });
    await chmod(join(directory, 'config.json'), 0o600);
  }, 180_000);

  afterAll(async () => {
    await westProxy?.close();
    await Promise.all([east?.close(), west?.close()]);
    await rm(home, { recursive: true, force: true });
  });

  it("merges the expired of two accounts: the union of each one's own listing, each row under its profile", async () => {
    const own = {
      east: parseJson<ListingJson>(await lapse(['expired', '--profile', 'east', '--format', 'json'])),
      west: parseJson<ListingJson>(await lapse(['expired', '--profile', 'west', '--format', 'json'])),
    };
    expect(own.east.strategy).toBe('server-filter');
    expect(own.west.strategy).toBe('ordered-scan');
    expect(own.east.count).toBeGreaterThan(0);
    expect(own.west.count).toBeGreaterThan(0);
    const merged = parseJson<MergedJson>(await lapse(['expired', '--profiles', 'east,west', '--format', 'json']));
    expect(merged.asOf).toBe(SEED_TODAY);
    expect(merged.profiles.map(({ profile, strategy, count }) => ({ profile, strategy, count }))).toEqual([
      { profile: 'east', strategy: 'server-filter', count: own.east.count },
      { profile: 'west', strategy: 'ordered-scan', count: own.west.count },
    ]);
    expect(merged.count).toBe(own.east.count + own.west.count);
    for (const name of ['east', 'west'] as const) {
      const rows = merged.companies.filter((company) => company.profile === name);
      expect(idsOf(rows)).toEqual(idsOf(own[name].companies));
    }
    expect(merged.companies.every((company) => company.profile === 'east' || company.profile === 'west')).toBe(true);
  });

  it('writes a Profile column first in CSV and in the table, with a footer line per profile and the total', async () => {
    const own = {
      east: parseJson<ListingJson>(
        await lapse(['renewals', '--within', '60', '--profile', 'east', '--format', 'json']),
      ),
      west: parseJson<ListingJson>(
        await lapse(['renewals', '--within', '60', '--profile', 'west', '--format', 'json']),
      ),
    };
    const csv = await lapse(['renewals', '--within', '60', '--profiles', 'west,east', '--format', 'csv']);
    expect(csv.code).toBe(0);
    const records = parse(csv.stdout.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0] ?? {})[0]).toBe('Profile');
    expect(Object.keys(records[0] ?? {})).toContain('Company ID');
    expect(records.length).toBe(own.east.count + own.west.count);
    // The rows come profile by profile, in the order the profiles were named.
    expect(records[0]?.Profile).toBe('west');
    for (const name of ['east', 'west'] as const) {
      const ids = records.filter((record) => record.Profile === name).map((record) => record['Company ID']);
      expect(ids.sort()).toEqual(idsOf(own[name].companies));
    }
    expect(csv.stderr).toMatch(new RegExp(`^west: ${own.west.count} companies · as of ${SEED_TODAY} \\(UTC\\)`, 'm'));
    expect(csv.stderr).toMatch(/^east: \d+ compan(y|ies) .* strategy server-filter: /m);

    const table = await lapse(['renewals', '--within', '60', '--all-profiles', '--keep-going']);
    expect(table.code).toBe(7);
    const [head, ...lines] = table.stdout.split('\n');
    expect(head).toMatch(/^Profile\s+Company\s+Company ID\s/);
    const rowLines = lines.filter((line) => /^(east|west)\s/.test(line) && !/^(east|west): /.test(line));
    expect(rowLines.length).toBe(own.east.count + own.west.count);
    expect(table.stdout).toMatch(/^stale: failed: /m);
    expect(table.stdout).toMatch(
      new RegExp(
        `^total: ${own.east.count + own.west.count} companies from 2 of 3 profiles · as of ${SEED_TODAY}`,
        'm',
      ),
    );
  });

  it('fails the run on a refused secret in one profile with one line naming it; --keep-going writes the rest, exit 7', async () => {
    const failed = await lapse(['expired', '--profiles', 'east,stale', '--format', 'json']);
    expect(failed.code).toBe(3);
    expect(failed.stdout).toBe('');
    expect(failed.stderr.split('\n').filter(Boolean)).toHaveLength(1);
    expect(failed.stderr).toMatch(/^lapse expired: profile stale: .+\n$/);
    expect(failed.stderr).not.toContain('east');

    const own = parseJson<ListingJson>(await lapse(['expired', '--profile', 'east', '--format', 'json']));
    const partial = await lapse(['expired', '--profiles', 'east,stale', '--format', 'json', '--keep-going']);
    expect(partial.code).toBe(7);
    expect(partial.stderr).toMatch(/^lapse expired: 1 of 2 profiles failed: profile stale: .+\n$/);
    const merged = JSON.parse(partial.stdout) as MergedJson;
    expect(idsOf(merged.companies)).toEqual(idsOf(own.companies));
    expect(merged.profiles[1]).toMatchObject({ profile: 'stale', exitCode: 3 });

    const allFailed = await lapse(['expired', '--profiles', 'stale', '--keep-going']);
    expect(allFailed.code).toBe(3);
    expect(allFailed.stdout).toBe('');
  });

  it("merges roll-ups per profile, each equal to the profile's own, with a grand total", async () => {
    const args = ['companies', '--group-by', 'reseller', '--format', 'json'];
    const own = {
      east: parseJson<RollUpJson>(await lapse([...args, '--profile', 'east'])),
      west: parseJson<RollUpJson>(await lapse([...args, '--profile', 'west'])),
    };
    const merged = parseJson<MergedRollUpJson>(await lapse([...args, '--profiles', 'east,west']));
    expect(merged.groupBy).toBe('reseller');
    for (const [index, name] of (['east', 'west'] as const).entries()) {
      expect(merged.profiles[index]?.profile).toBe(name);
      expect(merged.profiles[index]?.groups).toEqual(own[name].groups);
      expect(merged.profiles[index]?.total).toEqual(own[name].total);
    }
    const sum = (key: keyof Totals) => own.east.total[key] + own.west.total[key];
    expect(merged.total).toEqual({
      companies: sum('companies'),
      expired: sum('expired'),
      renewing: sum('renewing'),
      overLimit: sum('overLimit'),
      seatsAffected: sum('seatsAffected'),
    });

    const csv = await lapse(['expired', '--group-by', 'licence-type', '--profiles', 'east,west', '--format', 'csv']);
    expect(csv.code).toBe(0);
    const records = parse(csv.stdout.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0] ?? {}).slice(0, 3)).toEqual(['Profile', 'Group', 'Group ID']);
    const totals = records.filter((record) => record.Group === 'Total');
    expect(totals.map((record) => record.Profile)).toEqual(['east', 'west', 'all']);
    expect(Number(totals[2]?.Companies)).toBe(Number(totals[0]?.Companies) + Number(totals[1]?.Companies));
  });

  it.each([
    ['a roll-up', ['expired', '--group-by', 'licence-type'], 'expired by licence-type', 'Roll-up'],
    ['a listing', ['renewals', '--within', '60'], 'renewals 60d', 'Companies'],
  ])(
    "writes %s's CSV with a manifest and its XLSX with an About sheet, each profile's facts in them",
    async (what, args, listing, sheet) => {
      const fileOf = (name: string) => join(home, `${what.replace(' ', '-')}-${name}`);
      const manifestOf = async (file: string) => JSON.parse(await readFile(`${file}.manifest.json`, 'utf8'));
      const write = (profiles: string[], file: string, format = 'csv') =>
        lapse([...args, ...profiles, '--format', format, '--output', file]);
      const own: Record<string, Record<string, unknown>> = {};
      for (const name of ['east', 'west']) {
        expect((await write(['--profile', name], fileOf(`${name}.csv`))).code).toBe(0);
        own[name] = await manifestOf(fileOf(`${name}.csv`));
      }
      const { east = {}, west = {} } = own;
      expect(east.listing).toBe(listing);
      // What each profile's own file says the merged one says once when the two agree, else under each profile.
      const fileOwn = new Set(['rows', 'matched', 'columns', 'generatedAt', 'format', 'sha256']);
      const keys = Object.keys(east).filter((key) => !fileOwn.has(key));
      const isShared = (key: string) => JSON.stringify(east[key]) === JSON.stringify(west[key]);
      const profileFacts = (name: string, facts: Record<string, unknown>) => ({
        profile: name,
        ...Object.fromEntries(keys.filter((key) => !isShared(key)).map((key) => [key, facts[key]])),
        rows: facts.rows,
        matched: facts.matched,
      });
      expect(keys.filter((key) => !isShared(key))).toContain('server');

      const output = fileOf('merged.csv');
      const merged = await write(['--profiles', 'east,west'], output);
      expect([merged.code, merged.stdout]).toEqual([0, '']);
      const bytes = await readFile(output);
      const records = parse(bytes.toString('utf8').replace(/^\uFEFF/, ''), { columns: true }) as Record<
        string,
        string
      >[];
      const manifest = await manifestOf(output);
      expect(manifest).toEqual({
        ...Object.fromEntries(keys.filter(isShared).map((key) => [key, east[key]])),
        rows: records.length,
        matched: Number(east.matched) + Number(west.matched),
        columns: Object.keys(records[0] ?? {}),
        generatedAt: PINNED_NOW.replace('Z', '.000Z'),
        profiles: [profileFacts('east', east), profileFacts('west', west)],
        format: 'csv',
        sha256: createHash('sha256').update(bytes).digest('hex'),
      });
      expect([manifest.listing, manifest.asOf]).toEqual([listing, SEED_TODAY]);

      const workbook = fileOf('merged.xlsx');
      expect((await write(['--profiles', 'east,west'], workbook, 'xlsx')).code).toBe(0);
      const sheets = xlsxSheets(await readFile(workbook));
      expect([...sheets.keys()]).toEqual([sheet, 'About']);
      const about = Object.fromEntries((sheets.get('About') ?? []).slice(1).map(([field, value]) => [field, value]));
      expect(about.listing).toBe(listing);
      expect(JSON.parse(about.profiles ?? '')).toEqual(manifest.profiles);
      expect(sheets.get(sheet)?.length).toBe(records.length + 1);

      const partial = fileOf('partial.csv');
      expect((await write(['--profiles', 'east,stale', '--keep-going'], partial)).code).toBe(7);
      const partialManifest = await manifestOf(partial);
      expect(partialManifest.server).toBe(east.server);
      expect(partialManifest.profiles).toEqual([
        { profile: 'east', rows: east.rows, matched: east.matched },
        { profile: 'stale', error: expect.stringMatching(/.+/) },
      ]);
    },
  );

  it("sums a month's usage over the profiles, each equal to the profile's own", async () => {
    const args = ['usage', '--month', '2026-02', '--format', 'json'];
    type Usage = { month: string; total: number; companies: number };
    const own = {
      east: parseJson<Usage>(await lapse([...args, '--profile', 'east'])),
      west: parseJson<Usage>(await lapse([...args, '--profile', 'west'])),
    };
    expect(own.east.total).toBeGreaterThan(0);
    const all = await lapse([...args, '--all-profiles', '--keep-going']);
    expect(all.code).toBe(7);
    expect(all.stderr).toMatch(/^lapse usage: 1 of 3 profiles failed: profile stale: .+\n$/);
    const merged = JSON.parse(all.stdout) as {
      month: string;
      profiles: (Usage & { profile: string })[];
      total: number;
    };
    expect(merged.month).toBe('2026-02');
    expect(merged.profiles.slice(0, 2).map(({ profile, total, companies }) => ({ profile, total, companies }))).toEqual(
      [
        { profile: 'east', total: own.east.total, companies: own.east.companies },
        { profile: 'west', total: own.west.total, companies: own.west.companies },
      ],
    );
    expect(merged.total).toBe(own.east.total + own.west.total);
    const csv = await lapse(['usage', '--month', '2026-02', '--profiles', 'east,west', '--format', 'csv']);
    expect(csv.code).toBe(0);
    const records = parse(csv.stdout.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
    const totals = records.filter((record) => record.Group === 'total');
    expect(totals.map((record) => [record.Profile, Number(record['Monthly Active Users'])])).toEqual([
      ['east', own.east.total],
      ['west', own.west.total],
      ['all', own.east.total + own.west.total],
    ]);
  });

  it('refuses unknown profiles and flags that do not combine, before any request, in one line', async () => {
    const cases: [string[], RegExp][] = [
      [
        ['expired', '--profiles', 'east,north'],
        /^lapse expired: --profiles: config file .* has no profile "north" \(profiles: east, west, stale\)\n$/,
      ],
      [['expired', '--profiles', 'east', '--profile', 'west'], /^lapse expired: --profile chooses one account/],
      [['expired', '--profiles', 'east', '--all-profiles'], /cannot be combined/],
      [['expired', '--all-profiles', '--record'], /cannot be combined with --record or --lifecycle/],
      [['over-limit', '--keep-going'], /^lapse over-limit: --keep-going is for --profiles or --all-profiles\n$/],
    ];
    for (const [args, message] of cases) {
      const result = await lapse(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
    }
  });
});
