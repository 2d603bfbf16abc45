import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, insertCompanies, type TestDatabase } from '../../../test/support/databases.js';
import { openStorage } from '../../server/db/index.js';
import { seedCompanies } from '../../server/seed/index.js';

const cli = fileURLToPath(new URL('../../../bin/lapse.js', import.meta.url));

/** Runs the built CLI (npm run build) and returns its exit code and output, whatever the code. */
async function runLapse(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('node', [cli, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

describe('lapse migrate', () => {
  let source: TestDatabase;
  let middle: TestDatabase;
  let final: TestDatabase;

  beforeAll(async () => {
    if (!existsSync(fileURLToPath(new URL('../../../dist/src/cli/main.js', import.meta.url)))) {
      throw new Error('the CLI is not built: run `npm run build` first');
    }
    [source, middle, final] = await Promise.all([
      createTestDatabase('sqlite'),
      createTestDatabase('postgres'),
      createTestDatabase('sqlite'),
    ]);
    const storage = await openStorage(source.location);
    await insertCompanies(storage.db, [
      { resourceId: 'root00000000' },
      { resourceId: 'reseller0001', parentResourceId: 'root00000000' },
      { resourceId: 'customer0001', parentResourceId: 'reseller0001', license_end_at: null },
    ]);
    await storage.close();
  });

  afterAll(async () => {
    await Promise.all([source, middle, final].filter(Boolean).map((database) => database.drop()));
  });

  it('copies a SQLite file into PostgreSQL and reports every table as JSON', async () => {
    const result = await runLapse(['migrate', '--from', source.location, '--to', middle.location, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.matches).toBe(true);
    expect(report.tables.find((table: { table: string }) => table.table === 'companies')).toMatchObject({
      sourceRows: 3,
      targetRows: 3,
      matches: true,
    });
  });

  it('copies PostgreSQL back into a SQLite file with a readable summary', async () => {
    const result = await runLapse(['migrate', '--from', middle.location, '--to', final.location]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^companies\s+3\s+3\s+[0-9a-f]{16}\s+[0-9a-f]{16}\s+ok\s*$/m);
  });

  it('verifies a table of short rows, whose checksum the installed command sums on a thread of its own', async () => {
    const [seeded, target] = await Promise.all([createTestDatabase('sqlite'), createTestDatabase('postgres')]);
    try {
      const { companies } = await seedCompanies(seeded.location, { companies: 1000, seed: 3, today: '2026-12-01' });
      const result = await runLapse(['migrate', '--from', seeded.location, '--to', target.location, '--json']);
      expect(result.code, result.stderr).toBe(0);
      const report = JSON.parse(result.stdout);
      const usage = report.tables.find((table: { table: string }) => table.table === 'monthly_usage');
      // More rows than the first batch of 5,000, which is hashed where it is read; the rest go to the thread.
      expect(usage.sourceRows).toBeGreaterThan(10_000);
      expect(usage).toMatchObject({ targetRows: usage.sourceRows, matches: true });
      expect(usage.sourceChecksum).toMatch(/^[0-9a-f]{16}$/);
      expect(usage.sourceChecksum).toBe(usage.targetChecksum);
      expect(report.tables.find((table: { table: string }) => table.table === 'companies').sourceRows).toBe(companies);
      expect(report.matches).toBe(true);
    } finally {
      await Promise.all([seeded.drop(), target.drop()]);
    }
  });

  it('exits with the usage code and says why when the target is not empty', async () => {
    const result = await runLapse(['migrate', '--from', source.location, '--to', final.location]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not empty');
    expect(result.stdout).toBe('');
  });

  it('exits with the unavailable code when the target cannot be reached', async () => {
    // Nothing listens on port 1 of the loopback interface: the connection is refused at once.
    const result = await runLapse(['migrate', '--from', source.location, '--to', 'postgres://lapse@127.0.0.1:1/lapse']);
    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/^lapse migrate: .*ECONNREFUSED/m);
  });
});
