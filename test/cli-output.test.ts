// Where the built CLI's output goes, against the real server on both databases: regular files replaced whole,
// FIFOs, /dev/stdout, `-` and symlinks left what they were, a destination that cannot be written refused before
// any request; `lapse export`'s format, name and overwrite rules and its view shortcuts; the terminal table.
import { execFile } from 'node:child_process';
import { createReadStream, existsSync, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, dayStartUtc } from '../src/contract/index.js';
import { CLI, type CliResult, requireBuiltCli, runCli, runCliOnTerminal } from './support/cli-process.js';
import { DATABASE_KINDS } from './support/databases.js';
import { startFaultProxy } from './support/fault-proxy.js';
import { startTestServer, type TestCredential, type TestServer } from './support/test-server.js';

const SEED_TODAY = '2026-03-10';
const PINNED_NOW = '2026-03-10T20:00:00Z';

const envFor = (baseUrl: string, credential: TestCredential): Record<string, string> => ({
  LAPSE_BASE_URL: baseUrl,
  LAPSE_CLIENT_ID: credential.clientId,
  LAPSE_CLIENT_SECRET: credential.clientSecret,
  LAPSE_NOW: PINNED_NOW,
});

/** The Company ID column of a contract §5 CSV, sorted. */
function csvIds(text: string): string[] {
  const rows = parse(text.replace(/^\uFEFF/, ''), { columns: true }) as Record<string, string>[];
  return rows.map((row) => row['Company ID'] ?? '').sort();
}

/** An error line is `lapse <command>: <message>`; a refused flag starts with `error:`. */
const oneLine = (result: CliResult) => result.stderr.trim().split('\n');

describe.each(DATABASE_KINDS)('the CLI on %s', (kind) => {
  let server: TestServer;
  let workDir: string;
  let env: Record<string, string>;
  const lapse = (args: string[], extra: Record<string, string> = {}) =>
    runCli(args, { home: workDir, env: { ...env, ...extra } });

  /** Resource ids below the reseller (itself excluded) matching an SQL condition on the stored columns. */
  async function truth(condition: ReturnType<typeof sql>): Promise<string[]> {
    const { path } = await server.storage.db
      .selectFrom('companies')
      .select('path')
      .where('resource_id', '=', server.credentials.reseller.companyResourceId)
      .executeTakeFirstOrThrow();
    const { rows } = await sql<{ resource_id: string }>`select resource_id from companies
      where path > ${path} and path < ${`${path.slice(0, -1)}0`} and (${condition})`.execute(server.storage.db);
    return rows.map((row) => row.resource_id).sort();
  }
  const expiredTruth = () => truth(sql`license_end_at < ${dayStartUtc(SEED_TODAY)}`);

  beforeAll(async () => {
    requireBuiltCli();
    workDir = await mkdtemp(join(tmpdir(), 'lapse-cli-output-'));
    server = await startTestServer({ kind, companies: 400, seed: 11, today: SEED_TODAY });
    env = envFor(server.baseUrl, server.credentials.reseller);
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await rm(workDir, { recursive: true, force: true });
  });

  describe('--output', () => {
    it('writes into a FIFO and leaves it a FIFO', async () => {
      const fifo = join(workDir, 'listing.fifo');
      await promisify(execFile)('mkfifo', [fifo]);
      const chunks: Buffer[] = [];
      const reader = new Promise<void>((resolve, reject) => {
        createReadStream(fifo)
          .on('data', (chunk) => chunks.push(chunk as Buffer))
          .on('end', resolve)
          .on('error', reject);
      });
      const result = await lapse(['expired', '--format', 'csv', '--output', fifo]);
      await reader;
      expect(result.code, result.stderr).toBe(0);
      expect(lstatSync(fifo).isFIFO()).toBe(true);
      expect(csvIds(Buffer.concat(chunks).toString('utf8'))).toEqual(await expiredTruth());
      expect(readdirSync(workDir).filter((name) => name.startsWith('listing.fifo.'))).toEqual([]);
    });

    it('writes /dev/stdout as stdout and leaves /dev/stdout a link', async () => {
      const result = await lapse(['expired', '--format', 'csv', '--output', '/dev/stdout']);
      expect(result.code, result.stderr).toBe(0);
      expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
      expect(csvIds(result.stdout)).toEqual(await expiredTruth());
    });

    it('takes - for stdout, and makes no file named -', async () => {
      const result = await lapse(['expired', '--format', 'csv', '--output', '-']);
      expect(result.code, result.stderr).toBe(0);
      expect(csvIds(result.stdout)).toEqual(await expiredTruth());
      expect(existsSync(join(workDir, '-'))).toBe(false);
    });

    it('stops quietly when the reader of stdout goes away (| head)', async () => {
      // pipefail: the command succeeds only if lapse itself exits 0 once head has gone.
      const pipeline = `set -o pipefail; '${process.execPath}' '${CLI}' export --all-pages --format xlsx | head -c 2`;
      const { stdout, stderr } = await promisify(execFile)('bash', ['-c', pipeline], {
        env: { ...env, PATH: process.env.PATH ?? '', HOME: workDir },
      });
      expect(stdout).toBe('PK');
      expect(stderr).not.toMatch(/EPIPE|Unhandled| {4}at /);
    });

    it("writes a symlink's target and keeps the link", async () => {
      const target = join(workDir, 'real-expired.csv');
      const link = join(workDir, 'link-expired.csv');
      await writeFile(target, 'old contents\n');
      await symlink(target, link);
      const result = await lapse(['expired', '--format', 'csv', '--output', link]);
      expect(result.code, result.stderr).toBe(0);
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(csvIds(await readFile(target, 'utf8'))).toEqual(await expiredTruth());
    });

    it('replaces a regular file whole, leaving no temporary file beside it', async () => {
      const output = join(workDir, 'replaced.csv');
      await writeFile(output, 'old contents\n');
      const result = await lapse(['expired', '--format', 'csv', '--output', output]);
      expect(result.code, result.stderr).toBe(0);
      expect(csvIds(await readFile(output, 'utf8'))).toEqual(await expiredTruth());
      // Beside it, only its manifest (a CSV regular file gets one): no temporary file.
      expect(readdirSync(workDir).filter((name) => name.startsWith('replaced.csv.'))).toEqual([
        'replaced.csv.manifest.json',
      ]);
    });

    it.each([
      { name: 'a missing directory', path: (dir: string) => join(dir, 'no-such-dir', 'x.csv'), says: 'does not exist' },
      { name: 'a directory', path: (dir: string) => dir, says: 'is a directory' },
      {
        name: 'a file as the directory',
        path: (dir: string) => join(dir, 'plain-file', 'x.csv'),
        says: 'not a directory',
      },
    ])('refuses $name with exit 2 and one line, before any request', async ({ path, says }) => {
      await writeFile(join(workDir, 'plain-file'), 'a file, not a directory\n');
      const proxy = await startFaultProxy(server.baseUrl, {});
      try {
        const output = path(workDir);
        for (const args of [
          ['expired', '--format', 'csv'],
          ['companies', '--format', 'json'],
          ['export', '--format', 'csv'],
          ['export', 'over-limit'],
        ]) {
          const result = await lapse([...args, '--output', output], { LAPSE_BASE_URL: proxy.baseUrl });
          expect(result.code, args.join(' ')).toBe(2);
          expect(oneLine(result)).toHaveLength(1);
          expect(result.stderr).toMatch(new RegExp(`^lapse ${args[0]}: --output ${output}: .*${says}`));
        }
        expect(proxy.counts.total).toBe(0);
      } finally {
        await proxy.close();
      }
    });
  });

  describe('lapse export', () => {
    it('writes stdout when stdout is not a terminal and no --output is given, and no file', async () => {
      const result = await lapse(['export', '--all-pages']);
      expect(result.code, result.stderr).toBe(0);
      expect(csvIds(result.stdout)).toEqual(await truth(sql`1 = 1`));
      expect(readdirSync(workDir).filter((name) => /^(Companies|lapse-)/.test(name))).toEqual([]);
    });

    it('takes the format from the file name, and refuses a name that contradicts --format', async () => {
      const output = join(workDir, 'by-extension.xlsx');
      const written = await lapse(['export', '--all-pages', '--output', output]);
      expect(written.code, written.stderr).toBe(0);
      expect(readFileSync(output).subarray(0, 2).toString('latin1')).toBe('PK'); // a zip: the xlsx package

      const proxy = await startFaultProxy(server.baseUrl, {});
      try {
        const mismatch = join(workDir, 'mismatch.csv');
        const refused = await lapse(['export', '--format', 'xlsx', '--output', mismatch], {
          LAPSE_BASE_URL: proxy.baseUrl,
        });
        expect(refused.code).toBe(2);
        expect(refused.stderr).toBe(
          `lapse export: --format xlsx does not match the file name ${mismatch}: name it .xlsx\n`,
        );
        expect(existsSync(mismatch)).toBe(false);
        const conflict = await lapse(['export', '--type', 'csv', '--format', 'xlsx', '--output', '-'], {
          LAPSE_BASE_URL: proxy.baseUrl,
        });
        expect(conflict.code).toBe(2);
        expect(conflict.stderr).toBe('lapse export: --type is the old name of --format: give --format only\n');
        expect(proxy.counts.total).toBe(0);
      } finally {
        await proxy.close();
      }
    });

    it('refuses to replace an existing file without --force, before any request', async () => {
      const output = join(workDir, 'kept.csv');
      await writeFile(output, 'keep me\n');
      const proxy = await startFaultProxy(server.baseUrl, {});
      try {
        const refused = await lapse(['export', '--output', output], { LAPSE_BASE_URL: proxy.baseUrl });
        expect(refused.code).toBe(2);
        expect(refused.stderr).toBe(`lapse export: ${output} exists: add --force to replace it\n`);
        expect(proxy.counts.total).toBe(0);
      } finally {
        await proxy.close();
      }
      expect(await readFile(output, 'utf8')).toBe('keep me\n');
      const forced = await lapse(['export', '--all-pages', '--force', '--output', output]);
      expect(forced.code, forced.stderr).toBe(0);
      expect(csvIds(await readFile(output, 'utf8'))).toEqual(await truth(sql`1 = 1`));
    });

    it('exports the expired, renewing and over-limit listings', async () => {
      const renewing = truth(
        sql`license_end_at >= ${dayStartUtc(SEED_TODAY)} and license_end_at < ${dayStartUtc(addDays(SEED_TODAY, 8))}`,
      );
      const overLimit = truth(sql`is_number_of_users_limited = 1 and target_user_count > number_of_users`);
      for (const [args, expected] of [
        [['expired'], await expiredTruth()],
        [['renewing', '--within', '7d'], await renewing],
        [['over-limit'], await overLimit],
      ] as const) {
        const result = await lapse(['export', ...args, '--output', '-']);
        expect(result.code, result.stderr).toBe(0);
        expect(csvIds(result.stdout), args.join(' ')).toEqual(expected);
        expect(result.stderr).toContain(`${expected.length} ${expected.length === 1 ? 'company' : 'companies'}`);
      }
    });

    it('names the file like the dashboard, dated and scoped, when stdout is a terminal', async () => {
      const dir = join(workDir, `terminal-${kind}`);
      await mkdir(dir);
      const { subReseller } = server.credentials;
      const plain = await runCliOnTerminal(['export', 'expired'], { home: workDir, cwd: dir, env });
      expect(plain.code, plain.output).toBe(0);
      const scoped = await runCliOnTerminal(['export', 'expired', '--company', subReseller.companyResourceId], {
        home: workDir,
        cwd: dir,
        env,
      });
      expect(scoped.code, scoped.output).toBe(0);
      const files = [
        `lapse-expired-${SEED_TODAY}.csv`,
        `lapse-expired-${subReseller.companyResourceId}-${SEED_TODAY}.csv`,
      ];
      expect(readdirSync(dir).sort()).toEqual(files.flatMap((file) => [file, `${file}.manifest.json`]).sort());
      expect(csvIds(await readFile(join(dir, `lapse-expired-${SEED_TODAY}.csv`), 'utf8'))).toEqual(
        await expiredTruth(),
      );
      const again = await runCliOnTerminal(['export', 'expired'], { home: workDir, cwd: dir, env });
      expect(again.code).toBe(2);
      expect(again.output).toContain('exists: add --force to replace it');
    });
  });

  describe('lapse companies --created-within', () => {
    /** Created on a UTC day from D−N through D, newest first (ties by name, as every listing). */
    async function createdTruth(days: number): Promise<string[]> {
      const { path } = await server.storage.db
        .selectFrom('companies')
        .select('path')
        .where('resource_id', '=', server.credentials.reseller.companyResourceId)
        .executeTakeFirstOrThrow();
      const rows = await server.storage.db
        .selectFrom('companies')
        .select(['resource_id', 'created_at'])
        .where('path', '>', path)
        .where('path', '<', `${path.slice(0, -1)}0`)
        .where('created_at', '>=', dayStartUtc(addDays(SEED_TODAY, -days)))
        .where('created_at', '<', dayStartUtc(addDays(SEED_TODAY, 1)))
        .execute();
      return rows.sort((a, b) => Number(b.created_at) - Number(a.created_at)).map((row) => row.resource_id);
    }
    const ids = (result: CliResult) =>
      (JSON.parse(result.stdout) as { companies: { companyResourceId: string }[] }).companies.map(
        (company) => company.companyResourceId,
      );

    it.each([
      { modes: {}, strategy: 'server-filter' },
      { modes: { createTimeIsDateFilter: true, rejectDateFilter: true }, strategy: 'full-scan' },
      { modes: { createTimeIsDateFilter: true, ignoreDateFilter: true }, strategy: 'full-scan' },
    ])('lists the companies created in the last N days, newest first, with $strategy', async ({ modes, strategy }) => {
      const expected = await createdTruth(365);
      expect(expected.length).toBeGreaterThan(1);
      const proxy = await startFaultProxy(server.baseUrl, modes);
      try {
        const result = await lapse(['companies', '--created-within', '365d', '--format', 'json', '--page-size', '50'], {
          LAPSE_BASE_URL: proxy.baseUrl,
        });
        expect(result.code, result.stderr).toBe(0);
        expect(ids(result)).toEqual(expected);
        expect(JSON.parse(result.stdout).strategy).toBe(strategy);
      } finally {
        await proxy.close();
      }
      const table = await lapse(['companies', '--created-within', '365d', '--limit', '2']);
      expect(table.stdout.split('\n')[0]).toMatch(/^Company +Company ID +Created +Reseller/);
      expect(table.stdout).toContain(`2 of ${expected.length} companies`);
    });
  });

  describe('the table', () => {
    it('fits $COLUMNS, cuts names with …, draws no rules, and ends with a footer on stdout', async () => {
      const expected = await expiredTruth();
      const result = await lapse(['expired'], { COLUMNS: '90' });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
      const lines = result.stdout.trimEnd().split('\n');
      for (const line of lines.slice(0, -3)) expect([...line].length, line).toBeLessThanOrEqual(90);
      expect(lines[0]).toMatch(/^Company +Company ID +Reseller +Renewal date +Days +Users \/ limit$/);
      expect(lines.some((line) => /^[\s─━═+|-]+$/.test(line) && line.trim() !== '')).toBe(false);
      expect(result.stdout).toContain('…');
      // header, one line per company, a blank line, the footer's two lines and the ageing line under them
      expect(lines).toHaveLength(expected.length + 5);
      expect(lines.at(-3)).toBe(
        `${expected.length} companies · as of ${SEED_TODAY} (UTC) · scope: every company the credential sees`,
      );
      expect(lines.at(-2)).toMatch(/^strategy server-filter: /);
      expect(lines.at(-1)).toMatch(/^ageing: overdue /);

      // Narrower still: the reseller and the users give way before the company, its id, the date and the days.
      const narrow = (await lapse(['expired'], { COLUMNS: '56' })).stdout.trimEnd().split('\n');
      for (const line of narrow.slice(0, -3)) expect([...line].length, line).toBeLessThanOrEqual(56);
      expect(narrow[0]).toMatch(/^Company +Company ID +Renewal date +Days$/);
      // Without a terminal or $COLUMNS nothing is cut.
      expect((await lapse(['expired'])).stdout).not.toContain('…');
    });

    it('shows the first --limit rows and says how many there were', async () => {
      const expected = await expiredTruth();
      const table = await lapse(['expired', '--limit', '5']);
      const lines = table.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(5 + 5);
      expect(lines.at(-3)).toMatch(new RegExp(`^5 of ${expected.length} companies · as of ${SEED_TODAY}`));
      const json = JSON.parse((await lapse(['expired', '--limit', '5', '--format', 'json'])).stdout);
      expect(json).toMatchObject({ count: 5, matched: expected.length });
      const first = JSON.parse((await lapse(['expired', '--format', 'json'])).stdout).companies.slice(0, 5);
      expect(json.companies).toEqual(first);
      const companies = JSON.parse((await lapse(['companies', '--limit', '3', '--format', 'json'])).stdout);
      expect(companies.count).toBe(3);
      for (const command of [['renewals'], ['over-limit'], ['export', 'expired', '--output', '-', '--format', 'csv']]) {
        const result = await lapse([...command, '--limit', '1']);
        expect(result.code, `${command.join(' ')}: ${result.stderr}`).toBe(0);
      }
    });

    it('keeps CSV and JSON on stdout pure data, the summary on stderr beside CSV', async () => {
      const csv = await lapse(['expired', '--format', 'csv']);
      expect(csvIds(csv.stdout)).toEqual(await expiredTruth());
      expect(csv.stderr).toMatch(/^\d+ companies · as of 2026-03-10 \(UTC\) · scope: .*\nstrategy server-filter: /);
      const json = await lapse(['expired', '--format', 'json']);
      expect(() => JSON.parse(json.stdout)).not.toThrow();
      expect(json.stderr).toBe('');
    });
  });
});
