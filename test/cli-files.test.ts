// lapse's own CSV and XLSX files through the built CLI against the real server on both databases: the columns are
// read for the listing's own day and zone, the XLSX has an About sheet and no added `'`, a CSV regular file has a
// manifest naming its SHA-256, tags round-trip, --columns chooses the columns, and a roll-up's workbook holds a
// sheet per group. Every expected value is computed here from the database.

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FILE_COLUMNS } from '../src/cli/output/file-columns.js';
import {
  addDays,
  ageingBucketOf,
  DEFAULT_LIFECYCLE_POLICY,
  dayOf,
  daysBetween,
  describeAgeingBucket,
  isExpiredOn,
  lifecycleOn,
  utcDayOfMs,
} from '../src/contract/index.js';
import { uniqueSheetNames } from '../src/spreadsheet/sheet-names.js';
import { tagsOfCell } from '../src/spreadsheet/tag-cell.js';
import { type CliFixture, startCliFixture } from './support/cli-fixture.js';
import type { CliResult } from './support/cli-process.js';
import { companiesBelow } from './support/companies-below.js';
import { DATABASE_KINDS } from './support/databases.js';
import { type FaultProxy, startFaultProxy } from './support/fault-proxy.js';
import type { TestServer } from './support/test-server.js';
import { xlsxSheets } from './support/xlsx-xml.js';

const SEED_TODAY = '2026-03-10';
const PINNED_NOW = '2026-03-10T20:00:00.000Z';
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;
/** Tags a comma, a semicolon, a quote or a formula character would break if joined. */
const AWKWARD_TAGS = [
  ['a,b', 'c;d'],
  ['=1+2', 'x, y', '"quoted"'],
  ["it's", '-1;@x', '[]'],
];
const FORMULA_NAME = '=HYPERLINK("http://x","y")';
const LONG_RESELLER = 'Partners: North/South [EMEA] * the long-named reseller?';

interface Row {
  id: string;
  name: string;
  resellerName: string;
  parentId: string;
  licenceType: string | null;
  licenceTypeId: string | null;
  endDay: string | null;
  startDay: string | null;
  timeZone: string | null;
  tags: string[];
}

type Records = Record<string, string>[];

const csvRecords = (text: string): Records => parse(text.replace(/^\uFEFF/, ''), { columns: true }) as Records;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

function parseOk(result: CliResult): CliResult {
  expect(result.stderr, result.stderr).not.toMatch(/^lapse( [\w-]+)*: /m);
  expect(result.code, result.stderr).toBe(0);
  return result;
}

/** An XLSX sheet's rows as records keyed by its header row. */
function sheetRecords(rows: string[][]): Records {
  const [head = [], ...body] = rows;
  return body.map((row) => Object.fromEntries(head.map((header, index) => [header, row[index] ?? ''])));
}

describe.each(DATABASE_KINDS)('listing files on %s', (kind) => {
  let server: TestServer;
  let proxy: FaultProxy;
  let workDir: string;
  let rows: Row[];
  let fixture: CliFixture;
  const lapse = (args: string[], baseUrl?: string) => fixture.lapse(args, baseUrl);
  const rowOf = (id: string | undefined) => rows.find((row) => row.id === id) as Row;
  const idsWhere = (keep: (row: Row) => boolean) =>
    rows
      .filter(keep)
      .map((row) => row.id)
      .sort();

  async function readRows(): Promise<Row[]> {
    const { reseller } = server.credentials;
    const stored = await companiesBelow(server, reseller.companyResourceId);
    // A parent outside the rows is the reseller itself.
    const resourceIdOf = new Map(stored.map((row) => [Number(row.id), row.resource_id]));
    const dayOfStored = (value: unknown) => (value === null ? null : utcDayOfMs(Number(value)));
    return stored.map((row) => ({
      id: String(row.resource_id),
      name: String(row.name),
      resellerName: String(row.reseller_name ?? '(none)'),
      parentId: resourceIdOf.get(Number(row.parent_id)) ?? reseller.companyResourceId,
      licenceType: row.license_type_name === null ? null : String(row.license_type_name),
      licenceTypeId: row.license_type_resource_id === null ? null : String(row.license_type_resource_id),
      endDay: dayOfStored(row.license_end_at),
      startDay: dayOfStored(row.license_start_at),
      timeZone: row.time_zone_id === null ? null : String(row.time_zone_id),
      tags: JSON.parse(String(row.tags)) as string[],
    }));
  }

  beforeAll(async () => {
    fixture = await startCliFixture({ kind, today: SEED_TODAY, now: PINNED_NOW, workDirPrefix: 'lapse-cli-files-' });
    ({ server, proxy, workDir } = fixture);
    const { reseller } = server.credentials;
    rows = await readRows();
    // Awkward tags on a few expired companies, a formula for a name, and a reseller name Excel cannot take as a
    // sheet name (renamed on the reseller and on the rows that carry its name).
    const expired = rows.filter((row) => row.endDay !== null && row.endDay < SEED_TODAY);
    for (const [index, tags] of AWKWARD_TAGS.entries()) {
      const id = expired[index]?.id as string;
      await sql`update companies set tags = ${JSON.stringify(tags)} where resource_id = ${id}`.execute(
        server.storage.db,
      );
    }
    const formulaId = expired[AWKWARD_TAGS.length]?.id as string;
    await sql`update companies set name = ${FORMULA_NAME} where resource_id = ${formulaId}`.execute(server.storage.db);
    const renamed = rows.find((row) => row.parentId !== reseller.companyResourceId) as Row;
    await sql`update companies set name = ${LONG_RESELLER} where resource_id = ${renamed.parentId}`.execute(
      server.storage.db,
    );
    await sql`update companies set reseller_name = ${LONG_RESELLER} where reseller_name = ${renamed.resellerName}`.execute(
      server.storage.db,
    );
    rows = await readRows();
  }, 180_000);

  afterAll(async () => {
    await fixture?.close();
  });

  describe('columns for the listing day', () => {
    it("reads Expired, days left and the lifecycle for --as-of, not the server's UTC today", async () => {
      const asOf = '2026-06-30';
      const output = join(workDir, 'renewals.csv');
      parseOk(await lapse(['renewals', '--within', '45', '--as-of', asOf, '--format', 'csv', '--output', output]));
      const records = csvRecords(await readFile(output, 'utf8'));
      expect(Object.keys(records[0] ?? {})).not.toContain('License Expired');
      const expected = idsWhere((row) => row.endDay !== null && row.endDay >= asOf && row.endDay <= addDays(asOf, 45));
      expect(records.map((record) => record['Company ID']).sort()).toEqual(expected);
      expect(expected.length).toBeGreaterThan(0);
      for (const record of records) {
        const row = rowOf(record['Company ID']);
        const lifecycle = lifecycleOn(row.endDay, row.licenceType, asOf, DEFAULT_LIFECYCLE_POLICY);
        expect(record[`Expired (as of ${asOf})`]).toBe(String(isExpiredOn(row.endDay, asOf)));
        expect(record['Days Left']).toBe(String(daysBetween(asOf, row.endDay as string)));
        expect(record['Days Overdue']).toBe('');
        expect(record['Lifecycle State']).toBe(lifecycle.state);
        expect(record['Next State Change']).toBe(lifecycle.nextChange ?? '');
        const bucket = ageingBucketOf(row.endDay, asOf);
        expect(record.Ageing).toBe(bucket === undefined ? '' : describeAgeingBucket(bucket));
      }
    });

    it("reads today in --tz: the zone's own day decides Expired and Days Overdue", async () => {
      const timeZone = 'Pacific/Auckland';
      const asOf = dayOf(Date.parse(PINNED_NOW), timeZone);
      expect(asOf).not.toBe(SEED_TODAY);
      const result = parseOk(await lapse(['expired', '--tz', timeZone, '--format', 'csv']));
      const records = csvRecords(result.stdout);
      expect(records.map((record) => record['Company ID']).sort()).toEqual(
        idsWhere((row) => isExpiredOn(row.endDay, asOf)),
      );
      for (const record of records) {
        const row = rowOf(record['Company ID']);
        expect(record[`Expired (as of ${asOf})`]).toBe('true');
        expect(record['Days Overdue']).toBe(String(daysBetween(row.endDay as string, asOf)));
        expect(record['Days Left']).toBe('');
      }
    });
  });

  describe('the CSV manifest', () => {
    it('sits beside a CSV file: its facts, its row count and the SHA-256 of its bytes', async () => {
      const output = join(workDir, 'expired.csv');
      const result = parseOk(
        await lapse([
          'expired',
          '--licence-type',
          rows.find((row) => row.licenceType)?.licenceType ?? '',
          '--format',
          'csv',
          '--output',
          output,
        ]),
      );
      const bytes = await readFile(output);
      const manifest = JSON.parse(await readFile(`${output}.manifest.json`, 'utf8'));
      const licenceType = rows.find((row) => row.licenceType)?.licenceType;
      const expected = idsWhere((row) => isExpiredOn(row.endDay, SEED_TODAY) && row.licenceType === licenceType);
      expect(manifest.sha256).toBe(sha256(bytes));
      expect(manifest.rows).toBe(csvRecords(bytes.toString('utf8')).length);
      expect(manifest.rows).toBe(expected.length);
      expect(manifest).toMatchObject({
        format: 'csv',
        listing: 'expired',
        asOf: SEED_TODAY,
        timeZone: 'UTC',
        scope: 'every company the credential sees',
        companyId: null,
        filter: { licenceType },
        server: server.baseUrl,
        matched: expected.length,
        lapseVersion: VERSION,
        generatedAt: PINNED_NOW,
        policy: DEFAULT_LIFECYCLE_POLICY,
      });
      expect(result.stderr).toContain(`strategy ${manifest.strategy.name}: ${manifest.strategy.reason}`);
      expect(manifest.columns).toEqual(Object.keys(csvRecords(bytes.toString('utf8'))[0] ?? {}));
    });

    it('is written for the server export and its stand-in, and not for stdout or a FIFO', async () => {
      const exported = join(workDir, 'all.csv');
      parseOk(await lapse(['export', '--all-pages', '--output', exported]));
      const manifest = JSON.parse(await readFile(`${exported}.manifest.json`, 'utf8'));
      expect(manifest.sha256).toBe(sha256(await readFile(exported)));
      expect(manifest.rows).toBe(rows.length);
      expect(manifest.strategy.name).toBe('server-export');
      const local = join(workDir, 'local.csv');
      const noExport = await startFaultProxy(server.baseUrl, { noExportRoute: true });
      try {
        parseOk(await lapse(['export', '--all-pages', '--output', local], noExport.baseUrl));
      } finally {
        await noExport.close();
      }
      const localManifest = JSON.parse(await readFile(`${local}.manifest.json`, 'utf8'));
      expect(localManifest.sha256).toBe(sha256(await readFile(local)));
      expect(localManifest.rows).toBe(rows.length);
      expect(localManifest.strategy.name).toBe('search');

      parseOk(await lapse(['expired', '--format', 'csv', '--output', '-']));
      expect(existsSync(join(workDir, '-.manifest.json'))).toBe(false);
      const fifo = join(workDir, 'listing.fifo');
      await promisify(execFile)('mkfifo', [fifo]);
      const drained = new Promise<void>((resolve) =>
        createReadStream(fifo)
          .on('data', () => {})
          .on('end', resolve),
      );
      parseOk(await lapse(['expired', '--format', 'csv', '--output', fifo]));
      await drained;
      expect(existsSync(`${fifo}.manifest.json`)).toBe(false);
    });
  });

  describe('the XLSX file', () => {
    it('has an About sheet and text cells exactly as the data, with no added quote', async () => {
      const output = join(workDir, 'expired.xlsx');
      parseOk(await lapse(['expired', '--as-of', SEED_TODAY, '--format', 'xlsx', '--output', output]));
      const sheets = xlsxSheets(await readFile(output));
      expect([...sheets.keys()]).toEqual(['Companies', 'About']);
      const companies = sheetRecords(sheets.get('Companies') ?? []);
      const expected = idsWhere((row) => isExpiredOn(row.endDay, SEED_TODAY));
      expect(companies.map((record) => record['Company ID']).sort()).toEqual(expected);
      for (const record of companies) expect(record['Company Name']).toBe(rowOf(record['Company ID']).name);
      expect(companies.map((record) => record['Company Name'])).toContain(FORMULA_NAME);
      expect(companies.every((record) => record[`Expired (as of ${SEED_TODAY})`] === '1')).toBe(true);
      const about = Object.fromEntries((sheets.get('About') ?? []).slice(1).map(([field, value]) => [field, value]));
      expect(about).toMatchObject({
        listing: 'expired',
        asOf: SEED_TODAY,
        timeZone: 'UTC',
        scope: 'every company the credential sees',
        filter: '{}',
        server: server.baseUrl,
        rows: String(expected.length),
        lapseVersion: VERSION,
        generatedAt: PINNED_NOW,
      });
      expect(JSON.parse(about.strategy ?? '')).toHaveProperty('name');
      expect(existsSync(`${output}.manifest.json`)).toBe(false);
    });
  });

  describe('tags', () => {
    it('round-trip through the CSV and the XLSX, commas, semicolons and formulas included', async () => {
      const csv = parseOk(await lapse(['expired', '--format', 'csv']));
      const output = join(workDir, 'tags.xlsx');
      parseOk(await lapse(['expired', '--format', 'xlsx', '--output', output]));
      const sheet = sheetRecords(xlsxSheets(await readFile(output)).get('Companies') ?? []);
      for (const records of [csvRecords(csv.stdout), sheet]) {
        const tags = Object.fromEntries(records.map((record) => [record['Company ID'], tagsOfCell(record.Tags)]));
        const expected = rows.filter((row) => isExpiredOn(row.endDay, SEED_TODAY));
        expect(tags).toEqual(Object.fromEntries(expected.map((row) => [row.id, row.tags])));
        for (const awkward of AWKWARD_TAGS) expect(Object.values(tags)).toContainEqual(awkward);
      }
    });
  });

  describe('--columns', () => {
    it('chooses and orders the columns, the ones read from each company and the tree included', async () => {
      const columns = 'company-id,licence-start,reseller-id,licence-type-id,time-zone,days-overdue';
      const result = parseOk(await lapse(['expired', '--columns', columns, '--format', 'csv']));
      const records = csvRecords(result.stdout);
      expect(Object.keys(records[0] ?? {})).toEqual([
        'Company ID',
        'License Start',
        'Reseller ID',
        'License Type ID',
        'Time Zone',
        'Days Overdue',
      ]);
      expect(records.map((record) => record['Company ID']).sort()).toEqual(
        idsWhere((row) => isExpiredOn(row.endDay, SEED_TODAY)),
      );
      for (const record of records) {
        const row = rowOf(record['Company ID']);
        expect(record).toEqual({
          'Company ID': row.id,
          'License Start': row.startDay ?? '',
          'Reseller ID': row.parentId,
          'License Type ID': row.licenceTypeId ?? '',
          'Time Zone': row.timeZone ?? '',
          'Days Overdue': String(daysBetween(row.endDay as string, SEED_TODAY)),
        });
      }
      const view = join(workDir, 'view.csv');
      parseOk(await lapse(['export', 'over-limit', '--columns', 'company-name,server-expired', '--output', view]));
      expect((await readFile(view, 'utf8')).split('\r\n')[0]).toBe('\uFEFFCompany Name,License Expired');
      // The server's export has the contract's columns only: with --columns the file is written from the search.
      const search = join(workDir, 'search.csv');
      const written = parseOk(
        await lapse(['export', '--all-pages', '--columns', 'company-id,licence-type-id', '--output', search]),
      );
      expect(written.stderr).toContain('written locally');
      const searched = csvRecords(await readFile(search, 'utf8'));
      expect(Object.fromEntries(searched.map((record) => [record['Company ID'], record['License Type ID']]))).toEqual(
        Object.fromEntries(rows.map((row) => [row.id, row.licenceTypeId ?? ''])),
      );
    });

    it('refuses an unknown column in one line naming the valid ones (exit 2), and lists them on help', async () => {
      const refused = await lapse(['expired', '--columns', 'company-id,bogus', '--format', 'csv']);
      expect(refused.code).toBe(2);
      const [line] = refused.stderr.trim().split('\n');
      expect(line).toContain('unknown column "bogus"');
      for (const column of FILE_COLUMNS) expect(line).toContain(column.name);
      expect(refused.stdout).toBe('');
      const help = await lapse(['expired', '--columns', 'help']);
      expect(help.code).toBe(0);
      for (const column of FILE_COLUMNS) expect(help.stdout).toMatch(new RegExp(`^[* ] ${column.name} `, 'm'));
    });
  });

  describe('roll-up files', () => {
    function truthByReseller() {
      const groups = new Map<string, string[]>();
      for (const row of rows) groups.set(row.resellerName, [...(groups.get(row.resellerName) ?? []), row.id]);
      return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, ids]) => [name, ids.sort()]));
    }

    it.each([
      ['the clustered search', false],
      ['the client grouping', true],
    ])('XLSX: the summary, then a sheet per group holding its companies, on %s', async (_, isIgnored) => {
      proxy.setModes({ ignoreClustered: isIgnored });
      const output = join(workDir, `roll-up-${isIgnored}.xlsx`);
      parseOk(
        await lapse(['companies', '--group-by', 'reseller', '--format', 'xlsx', '--output', output], proxy.baseUrl),
      );
      const truth = truthByReseller();
      const names = uniqueSheetNames([...truth.keys()], ['Roll-up', 'About']);
      const sheets = xlsxSheets(await readFile(output));
      expect([...sheets.keys()]).toEqual(['Roll-up', ...names, 'About']);
      expect(names).toContain(uniqueSheetNames([LONG_RESELLER])[0]);
      const summary = sheetRecords(sheets.get('Roll-up') ?? []);
      expect(summary.map((record) => record.Group)).toEqual([...truth.keys(), 'Total']);
      for (const [index, [group, ids]] of [...truth].entries()) {
        const sheet = sheetRecords(sheets.get(names[index] as string) ?? []);
        expect(sheet.map((record) => record['Company ID']).sort()).toEqual(ids);
        expect(summary.find((record) => record.Group === group)?.Companies).toBe(String(ids.length));
      }
      expect(summary.at(-1)?.Companies).toBe(String(rows.length));
      const about = Object.fromEntries((sheets.get('About') ?? []).slice(1).map(([field, value]) => [field, value]));
      expect(about.listing).toBe('companies by reseller');
      proxy.setModes({});
    });

    it('CSV: the subtotal rows and the total, with a manifest', async () => {
      const output = join(workDir, 'roll-up.csv');
      parseOk(await lapse(['expired', '--group-by', 'licence-type', '--format', 'csv', '--output', output]));
      const records = csvRecords(await readFile(output, 'utf8'));
      const expired = rows.filter((row) => isExpiredOn(row.endDay, SEED_TODAY));
      const byType = new Map<string, number>();
      for (const row of expired)
        byType.set(row.licenceType ?? '(none)', (byType.get(row.licenceType ?? '(none)') ?? 0) + 1);
      expect(Object.fromEntries(records.map((record) => [record.Group, Number(record.Expired)]))).toEqual({
        ...Object.fromEntries(byType),
        Total: expired.length,
      });
      const manifest = JSON.parse(await readFile(`${output}.manifest.json`, 'utf8'));
      expect(manifest.sha256).toBe(sha256(await readFile(output)));
      expect(manifest.rows).toBe(records.length);
      expect(manifest.listing).toBe('expired by licence-type');
    });
  });
});
