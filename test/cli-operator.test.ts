// The operator's edges through the built bin/lapse.js (npm run build): --version, admin without --database,
// lapse serve on a busy port or a missing directory, importing lapse's own export into a fresh database (tree
// order, --create-parents, capped problems), and admin company list / tree.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/cli/exit-codes.js';
import { callApi, fetchToken, searchBody } from './support/api.js';
import { type CompanyRecord, readAllCompanies } from './support/company-rows.js';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/databases.js';
import { pinnedClock } from './support/pinned-clock.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin/lapse.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function runLapse(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  const env = { ...process.env, ...options.env };
  if (!options.env?.LAPSE_DATABASE_URL) delete env.LAPSE_DATABASE_URL;
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd: options.cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** One line on stderr, no stack trace. */
function expectOneLine(run: Run, pattern: RegExp): void {
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr).not.toMatch(/\n\s+at /);
}

let dir: string;

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'dist/src/cli/main.js'))) throw new Error('the CLI is not built: run `npm run build`');
  dir = await mkdtemp(join(tmpdir(), 'lapse-operator-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('lapse --version', () => {
  it("prints the package's version and exits 0", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    for (const flag of ['--version', '-V']) {
      const run = await runLapse([flag]);
      expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
    }
  });
});

describe('lapse admin without --database', () => {
  it('refuses, exit 2, and creates no ./lapse.db', async () => {
    const cwd = await mkdtemp(join(dir, 'empty-'));
    for (const args of [
      ['company', 'list'],
      ['credential', 'list'],
      ['keys', 'rotate'],
    ]) {
      const run = await runLapse(['admin', ...args], { cwd });
      expect(run.code).toBe(EXIT_CODES.usage);
      expectOneLine(
        run,
        /^lapse admin \S+ \S+: no database given and \.\/lapse\.db does not exist: name one with --database <file\|url> or LAPSE_DATABASE_URL\n$/,
      );
      expect(existsSync(join(cwd, 'lapse.db'))).toBe(false);
    }
  });

  it('uses ./lapse.db when it exists, and LAPSE_DATABASE_URL when set', async () => {
    const cwd = await mkdtemp(join(dir, 'default-'));
    const seeded = await runLapse(['seed', '--companies', '30', '--seed', '3', '--database', 'lapse.db'], { cwd });
    expect(seeded.code).toBe(0);
    const listed = await runLapse(['admin', 'company', 'list', '--json'], { cwd });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toHaveLength(30);
    const elsewhere = await mkdtemp(join(dir, 'env-'));
    const viaEnvironment = await runLapse(['admin', 'company', 'list', '--json'], {
      cwd: elsewhere,
      env: { LAPSE_DATABASE_URL: join(cwd, 'lapse.db') },
    });
    expect(JSON.parse(viaEnvironment.stdout)).toHaveLength(30);
  });
});

describe('lapse serve refusing to start', () => {
  let holder: Server;
  let port: number;

  beforeAll(async () => {
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    port = (holder.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => holder.close(() => resolve())));

  it('on a busy port: one line naming the address, exit 2', async () => {
    const database = join(dir, 'busy.db');
    const run = await runLapse(['serve', '--port', String(port), '--database', database]);
    expect(run.code).toBe(EXIT_CODES.usage);
    expectOneLine(
      run,
      new RegExp(
        `^lapse serve: 127\\.0\\.0\\.1:${port} is already in use: stop what listens there or choose another --port\\n$`,
      ),
    );
  });

  it('on a database whose directory does not exist: one line naming it, exit 2, nothing created', async () => {
    const database = join(dir, 'no-such-dir', 'lapse.db');
    const run = await runLapse(['serve', '--port', '0', '--database', database]);
    expect(run.code).toBe(EXIT_CODES.usage);
    expectOneLine(
      run,
      /^lapse serve: cannot open the database .*no-such-dir\/lapse\.db: its directory does not exist\n$/,
    );
    expect(existsSync(join(dir, 'no-such-dir'))).toBe(false);
  });
});

/**
 * What an import must carry over: everything the export's columns hold, and the tree (a parent by resource id when
 * the file holds it, by name when the import had to create it).
 */
function importedShape(rows: CompanyRecord[], holds: (row: CompanyRecord) => boolean) {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return rows.filter(holds).map((row) => {
    const parent = row.parentId === null ? undefined : byId.get(row.parentId);
    return {
      resourceId: row.resourceId,
      name: row.name,
      parent: parent === undefined ? null : holds(parent) ? parent.resourceId : `created: ${parent.name}`,
      industryName: row.industryName,
      licenseTypeName: row.licenseTypeName,
      isNumberOfUsersLimited: row.isNumberOfUsersLimited,
      numberOfUsers: row.isNumberOfUsersLimited ? row.numberOfUsers : null,
      renewalDay: row.licenseEndAt === null ? null : new Date(row.licenseEndAt).toISOString().slice(0, 10),
      createdDay: new Date(row.createdAt).toISOString().slice(0, 10),
      targetUserCount: row.targetUserCount,
      inactiveTargetUserCount: row.inactiveTargetUserCount,
      deletedTargetUserCount: row.deletedTargetUserCount,
      monthlyActiveUserCount: row.monthlyActiveUserCount,
      tags: row.tags,
    };
  });
}

const byResourceId = <T extends { resourceId: string }>(rows: T[]) =>
  [...rows].sort((a, b) => (a.resourceId < b.resourceId ? -1 : 1));

describe.each(DATABASE_KINDS)("importing lapse's own export into a fresh %s database", (kind) => {
  let server: TestServer;
  let source: CompanyRecord[];
  const files = { root: '', reseller: '' };
  const targets: TestDatabase[] = [];
  const freshTarget = async () => {
    const target = await createTestDatabase(kind);
    targets.push(target);
    return target;
  };
  const importInto = (file: string, target: TestDatabase, ...flags: string[]) =>
    runLapse(['admin', 'company', 'import', file, '--database', target.location, ...flags]);

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 200, ...pinnedClock });
    source = await readAllCompanies(server.databaseLocation);
    for (const name of ['root', 'reseller'] as const) {
      const token = await fetchToken(server.baseUrl, server.credentials[name]);
      // Ordered by name, so many a company comes before its reseller.
      const exported = await callApi<string>(server.baseUrl, '/api/companies/search/export', {
        token,
        body: searchBody({ exportType: 'CSV', reportAllPages: true, orderBy: 'CompanyName', pageSize: 10 }),
      });
      expect(exported.status).toBe(200);
      files[name] = join(dir, `export-${kind}-${name}.csv`);
      await writeFile(files[name], exported.body);
    }
  });
  afterAll(async () => {
    await server?.close();
    for (const target of targets) await target.drop();
  });

  it("Root's export, in name order, imports whole: resellers first, the same tree and fields", async () => {
    const target = await freshTarget();
    const run = await importInto(files.root, target);
    expect(run.stderr).toBe('');
    expect(run).toMatchObject({ code: 0, stdout: `Imported ${files.root}: 200 created, 0 updated\n` });
    const imported = await readAllCompanies(target.location);
    const all = () => true;
    expect(byResourceId(importedShape(imported, all))).toEqual(byResourceId(importedShape(source, all)));

    const again = await importInto(files.root, target, '--json');
    expect(JSON.parse(again.stdout)).toEqual({ created: 0, updated: 200 });
  });

  it("a Reseller's export without --create-parents: nothing imported, exit 2, one problem a line, 20 and a count", async () => {
    const target = await freshTarget();
    const run = await importInto(files.reseller, target);
    expect(run.code).toBe(EXIT_CODES.usage);
    const problems = source.filter((row) => row.parentId !== null).length; // at most all: the count the file has
    const lines = run.stderr.trimEnd().split('\n');
    const count = Number(/(\d+) line\(s\) have problems$/.exec(lines[0] ?? '')?.[1]);
    expect(count).toBeGreaterThan(21);
    expect(count).toBeLessThan(problems);
    expect(lines[0]).toBe(`lapse admin company import: Nothing was imported: ${count} line(s) have problems`);
    expect(lines).toHaveLength(1 + 20 + 1);
    for (const line of lines.slice(1, 21))
      expect(line).toMatch(/^ {2}line \d+: No company has the resource id or name "[^"]+"$/);
    expect(lines[21]).toBe(`  and ${count - 20} more`);
    expect(await readAllCompanies(target.location)).toEqual([]);
  });

  it("a Reseller's export with --create-parents: its reseller made the root, its tree below; list and tree read it", async () => {
    const target = await freshTarget();
    const run = await importInto(files.reseller, target, '--create-parents');
    expect(run.stderr).toBe('');
    const reseller = source.find((row) => row.resourceId === server.credentials.reseller.companyResourceId);
    const exportedIds = new Set(
      readFileSync(files.reseller, 'utf8')
        .split('\r\n')
        .slice(1)
        .filter(Boolean)
        .map((line) => /,([A-Za-z0-9]{12}),/.exec(line)?.[1]),
    );
    const held = (row: CompanyRecord) => exportedIds.has(row.resourceId);
    expect(run).toMatchObject({
      code: 0,
      stdout: `Imported ${files.reseller}: ${exportedIds.size} created, 0 updated (and 1 reseller(s) created)\n`,
    });
    const imported = await readAllCompanies(target.location);
    expect(byResourceId(importedShape(imported, held))).toEqual(
      byResourceId(importedShape(source, held)).map((row) =>
        source.find((r) => r.resourceId === row.parent) ? row : { ...row, parent: `created: ${reseller?.name}` },
      ),
    );
    const [root] = imported.filter((row) => row.parentId === null);
    expect(root?.name).toBe(reseller?.name);

    const listed = await runLapse(['admin', 'company', 'list', '--json', '--database', target.location]);
    const companies = JSON.parse(listed.stdout) as { resourceId: string; parentResourceId: string | null }[];
    expect(companies).toHaveLength(exportedIds.size + 1);
    const seen = new Set<string>();
    for (const company of companies) {
      if (company.parentResourceId !== null) expect(seen.has(company.parentResourceId)).toBe(true);
      seen.add(company.resourceId);
    }
    const tree = await runLapse(['admin', 'company', 'tree', '--database', target.location]);
    const treeLines = tree.stdout.trimEnd().split('\n');
    expect(treeLines).toHaveLength(exportedIds.size + 1);
    expect(treeLines[0]).toBe(`${root?.name} (${root?.resourceId}, ${exportedIds.size} below)`);
    expect(treeLines.slice(1).every((line) => line.startsWith('  '))).toBe(true);
    const under = await runLapse([
      'admin',
      'company',
      'tree',
      '--under',
      root?.resourceId ?? '',
      '--json',
      '--database',
      target.location,
    ]);
    const [top] = JSON.parse(under.stdout) as { resourceId: string; descendantCount: number }[];
    expect(top).toMatchObject({ resourceId: root?.resourceId, descendantCount: exportedIds.size });
  });
});
