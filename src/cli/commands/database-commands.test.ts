// `lapse seed` and `lapse admin` through the built binary (npm run build), as an operator runs them.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../../server/db/storage.js';

const cli = fileURLToPath(new URL('../../../bin/lapse.js', import.meta.url));

async function runLapse(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [cli, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('lapse seed and lapse admin', () => {
  let dir: string;
  let database: string;

  beforeAll(async () => {
    if (!existsSync(fileURLToPath(new URL('../../../dist/src/cli/main.js', import.meta.url)))) {
      throw new Error('the CLI is not built: run `npm run build` first');
    }
    dir = await mkdtemp(join(tmpdir(), 'lapse-cli-'));
    database = join(dir, 'lapse.db');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('seeds, then refuses to seed again without --reset (exit 1, one line on stderr)', async () => {
    const seeded = await runLapse(['seed', '--companies', '120', '--seed', '5', '--today', '2026-03-15', '--json'], {
      LAPSE_DATABASE_URL: database,
    });
    expect(seeded.code).toBe(0);
    const summary = JSON.parse(seeded.stdout);
    expect(summary).toMatchObject({ companies: 120, seed: 5, today: '2026-03-15', counts: { companies: 120 } });
    expect(summary.resellers.length).toBeGreaterThanOrEqual(3);
    const again = await runLapse(['seed', '--companies', '120', '--database', database]);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('lapse seed: The database already holds companies; seed with --reset to replace them\n');
  });

  it('exits 2 on a usage error', async () => {
    expect((await runLapse(['seed', '--companies', 'many', '--database', database])).code).toBe(2);
    const badRole = await runLapse([
      'admin',
      'credential',
      'create',
      '--company',
      'x',
      '--role',
      'Boss',
      '--database',
      database,
    ]);
    expect(badRole.code).toBe(2);
  });

  it('creates a credential shown once, lists it without its secret, and disables it', async () => {
    const created = await runLapse([
      'admin',
      'credential',
      'create',
      '--company',
      'Lapse Platform',
      '--role',
      'Root',
      '--database',
      database,
    ]);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('The client secret is not shown again');
    const clientId = /Client ID:\s+(\S+)/.exec(created.stdout)?.[1] ?? '';
    const secret = /Client secret:\s+(\S+)/.exec(created.stdout)?.[1] ?? '';
    expect(secret.length).toBeGreaterThan(30);
    const listed = await runLapse(['admin', 'credential', 'list', '--json', '--database', database]);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ clientId, role: 'Root', isDisabled: false }]);
    expect(listed.stdout).not.toContain(secret);
    const disabled = await runLapse(['admin', 'credential', 'disable', clientId, '--database', database]);
    expect(disabled.code).toBe(0);
    const unknown = await runLapse(['admin', 'credential', 'disable', 'lapse_unknown', '--database', database]);
    expect(unknown).toMatchObject({
      code: 1,
      stderr: 'lapse admin credential disable: No credential has the client id "lapse_unknown"\n',
    });
  });

  it('creates, updates and imports companies', async () => {
    const created = await runLapse([
      'admin',
      'company',
      'create',
      '--name',
      'Fjord Consulting',
      '--parent',
      'Lapse Platform',
      '--resource-id',
      'FjordCo00001',
      '--renewal-date',
      '2026-04-01',
      '--user-limit',
      '25',
      '--tag',
      'VIP',
      '--json',
      '--database',
      database,
    ]);
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      resourceId: 'FjordCo00001',
      depth: 1,
      resellerName: 'Lapse Platform',
    });
    const renamed = await runLapse([
      'admin',
      'company',
      'update',
      'FjordCo00001',
      '--name',
      'Fjord Group',
      '--database',
      database,
    ]);
    expect(renamed.code).toBe(0);
    const csv = join(dir, 'companies.csv');
    await writeFile(
      csv,
      '\ufeffCompany Name,Company ID,Reseller Name,License Limit\r\nFjord Child,FjordKid0001,Fjord Group,Unlimited\r\n',
    );
    const imported = await runLapse(['admin', 'company', 'import', csv, '--database', database]);
    expect(imported).toMatchObject({ code: 0, stdout: `Imported ${csv}: 1 created, 0 updated\n` });
    const storage = await openStorage(database);
    try {
      const child = await storage.db
        .selectFrom('companies')
        .selectAll()
        .where('resource_id', '=', 'FjordKid0001')
        .executeTakeFirst();
      expect(child).toMatchObject({ reseller_name: 'Fjord Group', depth: 2, is_number_of_users_limited: 0 });
    } finally {
      await storage.close();
    }
    await writeFile(csv, 'Company Name,Reseller Name\r\nLost,Nobody\r\n');
    const failed = await runLapse(['admin', 'company', 'import', csv, '--database', database]);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(
      /^lapse admin company import: Nothing was imported: 1 line\(s\) have problems: line 2: .*\n$/,
    );
  });
});
