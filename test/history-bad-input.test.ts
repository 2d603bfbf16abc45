// Bad input to the history commands over real HTTP, on SQLite and PostgreSQL: a damaged file, someone else's
// SQLite database or a history of a newer format as --history, and a policy file with an unknown key, each get one
// line and exit 2, and leave every file as it was (nothing recorded, nothing lost).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { resellerEnvironment, runCli } from './support/run-cli.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const SEED_TODAY = '2026-03-10';
const WEBHOOK = ['--webhook', 'http://127.0.0.1:9/hooks', '--secret', 's'];
const COMMANDS: string[][] = [['snapshot'], ['changes'], ['notify', ...WEBHOOK], ['ack', '--list']];

describe.each(DATABASE_KINDS)('bad history and policy files on %s', (kind) => {
  let server: TestServer;
  let home: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lapse-history-bad-'));
    server = await startTestServer({ kind, companies: 40, seed: 43, today: SEED_TODAY });
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await rm(home, { recursive: true, force: true });
  });

  const cli = (args: string[], history: string) =>
    runCli([...args, '--as-of', SEED_TODAY, '--history', history], home, resellerEnvironment(server, {}));

  /** Runs every history command on `file`: each refuses it in one line with exit 2, and the file stays as it was. */
  async function expectRefused(file: string, message: RegExp): Promise<void> {
    const bytes = readFileSync(file);
    for (const args of COMMANDS) {
      const result = await cli(args, file);
      expect([result.code, result.stdout], args.join(' ')).toEqual([2, '']);
      expect(result.stderr).toMatch(new RegExp(`^lapse ${args[0]}: ${message.source}\\n$`));
      expect(readFileSync(file).equals(bytes)).toBe(true);
      expect(existsSync(`${file}-wal`) || existsSync(`${file}-journal`)).toBe(false);
    }
  }

  it('refuses a damaged file', async () => {
    const file = join(home, 'damaged.db');
    writeFileSync(file, Buffer.alloc(8192, 0x5a));
    await expectRefused(file, /.*damaged\.db is not a lapse history file or is damaged \(.*\)/);
  });

  it("refuses another program's SQLite database", async () => {
    const file = join(home, 'foreign.db');
    const db = new Database(file);
    db.exec("create table invoices (id integer primary key, total text); insert into invoices values (1, '9.99')");
    db.close();
    await expectRefused(file, /.*foreign\.db is not a lapse history file/);
  });

  it('refuses a history written by a newer lapse', async () => {
    const file = join(home, 'newer.db');
    expect((await cli(['snapshot'], file)).code).toBe(0);
    const db = new Database(file);
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('journal_mode = DELETE');
    db.pragma('user_version = 9');
    db.close();
    await expectRefused(file, /.*newer\.db is a lapse history of format 9; this lapse reads 1 to 2/);
  });

  it('refuses a policy file with an unknown key before anything is listed or recorded', async () => {
    const history = join(home, 'kept.db');
    expect((await cli(['snapshot'], history)).code).toBe(0);
    const policy = join(home, 'policy.json');
    writeFileSync(policy, JSON.stringify({ graceDays: 14, leadDays: [30, 7], renewBy: 'phone' }));
    const snapshots = () => {
      const db = new Database(history, { readonly: true });
      try {
        return db.prepare('select count(*) from snapshots').pluck().get();
      } finally {
        db.close();
      }
    };
    for (const args of [['changes'], ['notify', ...WEBHOOK]]) {
      const result = await cli([...args, '--policy', policy], history);
      expect([result.code, result.stdout, result.stderr]).toEqual([
        2,
        '',
        `lapse ${args[0]}: ${policy}: unknown key "renewBy" (known: graceDays, leadDays, licenceTypes)\n`,
      ]);
      expect(snapshots()).toBe(1);
    }
    expect(JSON.parse(readFileSync(policy, 'utf8'))).toEqual({ graceDays: 14, leadDays: [30, 7], renewBy: 'phone' });
  });
});
