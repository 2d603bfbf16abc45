// `lapse seed` and `lapse admin` through the built binary (npm run build), as an operator runs them.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStorage } from '../../server/db/index.js';

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

  it('seeds, then refuses to seed again without --reset (exit 2, one line on stderr)', async () => {
    const seeded = await runLapse(['seed', '--companies', '120', '--seed', '5', '--today', '2026-03-15', '--json'], {
      LAPSE_DATABASE_URL: database,
    });
    expect(seeded.code).toBe(0);
    const summary = JSON.parse(seeded.stdout);
    expect(summary).toMatchObject({ companies: 120, seed: 5, today: '2026-03-15', counts: { companies: 120 } });
    expect(summary.resellers.length).toBeGreaterThanOrEqual(3);
    const again = await runLapse(['seed', '--companies', '120', '--database', database]);
    expect(again.code).toBe(2);
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

  it.each([
    {
      name: 'a malformed resource id',
      args: ['admin', 'company', 'create', '--name', 'Odd', '--parent', 'Lapse Platform', '--resource-id', 'bad!'],
      message: '"bad!" is not a resource id ([A-Za-z0-9]{12})',
    },
    {
      name: 'an unknown reseller',
      args: ['admin', 'company', 'create', '--name', 'Lost', '--parent', 'Nobody At All'],
      message: 'No company has the resource id or name "Nobody At All"',
      code: 6,
    },
    {
      name: 'a blank tag',
      args: ['admin', 'company', 'update', 'Lapse Platform', '--tag', ' '],
      message: 'A tag cannot be blank',
    },
    {
      name: 'a renewal date that is not a day',
      args: ['admin', 'company', 'update', 'Lapse Platform', '--renewal-date', 'soon'],
      message: 'must be a YYYY-MM-DD day',
    },
    {
      name: 'a credential for an unknown company',
      args: ['admin', 'credential', 'create', '--company', 'Nobody At All', '--role', 'Reseller'],
      message: 'No company has the resource id or name "Nobody At All"',
      code: 6,
    },
    {
      name: 'a CSV file that does not exist',
      args: ['admin', 'company', 'import', 'no-such-file.csv'],
      message: 'no-such-file.csv',
    },
  ])(
    'exits 2 (6 when what it names does not exist) with one line on stderr for $name',
    async ({ args, message, code = 2 }) => {
      const result = await runLapse([...args, '--database', database]);
      const command = args.slice(0, 3).join(' ');
      expect(result).toMatchObject({ code, stdout: '' });
      expect(result.stderr.split('\n')).toEqual([expect.stringMatching(new RegExp(`^lapse ${command}: `)), '']);
      expect(result.stderr).toContain(message);
    },
  );

  it('exits 2 with one line on stderr for a bad --today, and 5 when the database cannot be reached', async () => {
    const badDay = await runLapse(['seed', '--companies', '10', '--today', '2026-02-30', '--database', database]);
    expect(badDay).toMatchObject({ code: 2, stderr: 'lapse seed: "2026-02-30" is not a YYYY-MM-DD day\n' });
    // Nothing listens on port 1 of the loopback interface: the connection is refused at once.
    const unreachable = await runLapse(['admin', 'credential', 'list', '--database', 'postgres://lapse@127.0.0.1:1/x']);
    expect(unreachable.code).toBe(5);
    expect(unreachable.stderr).toMatch(/^lapse admin credential list: .*ECONNREFUSED.*\n$/);
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
      code: 6,
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
    expect(failed.code).toBe(2);
    // One problem a line under the headline.
    expect(failed.stderr).toBe(
      'lapse admin company import: Nothing was imported: 1 line(s) have problems\n' +
        '  line 2: No company has the resource id or name "Nobody"\n',
    );
  });
});
