// kill -9 of `lapse snapshot` while it writes its snapshot: the history afterwards is as it was before that run
// (one transaction per snapshot), and the next run records the whole scope.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { runCli, spawnCli } from './support/run-cli.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const SEED_TODAY = '2026-03-10';

/** True while another connection holds the file's write lock (the snapshot's transaction). */
function isWriting(db: Database.Database): boolean {
  try {
    db.exec('begin immediate');
    db.exec('rollback');
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw error;
  }
}

function storeCounts(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      snapshots: count('select count(*) as n from snapshots'),
      current: count('select count(*) as n from current_companies'),
      retired: count('select count(*) as n from company_versions'),
      lastCount: count('select coalesce(max(company_count), 0) as n from snapshots'),
    };
  } finally {
    db.close();
  }
}

describe.each(DATABASE_KINDS)('kill -9 during lapse snapshot on %s', (kind) => {
  let server: TestServer;
  let home: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lapse-history-kill-'));
    server = await startTestServer({ kind, companies: 6000, seed: 31, today: SEED_TODAY });
  }, 300_000);

  afterAll(async () => {
    await server?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('leaves the store as it was, and the next run records every company', async () => {
    const history = join(home, 'history.db');
    const env = {
      LAPSE_BASE_URL: server.baseUrl,
      LAPSE_CLIENT_ID: server.credentials.root.clientId,
      LAPSE_CLIENT_SECRET: server.credentials.root.clientSecret,
      LAPSE_HISTORY: history,
    };
    // Creates the store (no snapshot yet: nothing to compare with, nothing recorded).
    const first = await runCli(['changes', '--no-record', '--as-of', SEED_TODAY], home, env);
    expect(first.code).toBe(2);
    expect(storeCounts(history)).toMatchObject({ integrity: 'ok', snapshots: 0, current: 0 });

    const child = spawnCli(['snapshot', '--as-of', SEED_TODAY], home, env);
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    let hasExited = false;
    void exited.then(() => {
      hasExited = true;
    });
    const probe = new Database(history, { fileMustExist: true });
    probe.pragma('busy_timeout = 0');
    let killedWhileWriting = false;
    try {
      while (!hasExited) {
        if (isWriting(probe)) {
          child.kill('SIGKILL');
          killedWhileWriting = true;
          break;
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      probe.close();
    }
    expect(killedWhileWriting).toBe(true);
    expect(await exited).toBe('SIGKILL');
    expect(storeCounts(history)).toMatchObject({ integrity: 'ok', snapshots: 0, current: 0, retired: 0 });

    const again = await runCli(['snapshot', '--as-of', SEED_TODAY, '--format', 'json'], home, env);
    expect(again.code).toBe(0);
    const { snapshot } = JSON.parse(again.stdout) as { snapshot: { id: number; companyCount: number } };
    const db = server.storage.db;
    const root = await db
      .selectFrom('companies')
      .select('path')
      .where('resource_id', '=', server.seed.rootResourceId)
      .executeTakeFirstOrThrow();
    const below = await db
      .selectFrom('companies')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('path', '>=', root.path)
      .where('path', '<', `${root.path.slice(0, -1)}0`)
      .executeTakeFirstOrThrow();
    // Root sees its own company and everything below it.
    expect(snapshot.companyCount).toBe(Number(below.n));
    expect(storeCounts(history)).toEqual({
      integrity: 'ok',
      snapshots: 1,
      current: snapshot.companyCount,
      retired: 0,
      lastCount: snapshot.companyCount,
    });
  });
});
