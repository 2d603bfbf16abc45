// kill -9 of `lapse notify` while its digest is on the wire, and just after the receiver answered 2xx but before
// lapse noted it: the history passes SQLite's integrity check, the next run delivers the digest again (at least
// once), carrying the same digestId so the receiver can drop the copy, and no change is lost.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../src/contract/index.js';
import { updateCompany } from '../src/server/admin/index.js';
import { companiesBelow } from './support/companies-below.js';
import { DATABASE_KINDS } from './support/databases.js';
import { useDigestSetting } from './support/digest-setting.js';
import { resellerEnvironment, runCli, spawnCli } from './support/run-cli.js';

const SEED_TODAY = '2026-03-10';
const PINNED_NOW = '2026-03-10T12:00:00Z';

interface Digest {
  digestId: string;
  since: { id: number };
  changes: { kind: string; companyResourceId: string }[];
}

/** The history's integrity and the snapshot each webhook's last delivered digest reached. */
function storeState(path: string) {
  const db = new Database(path, { readonly: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      sentUpTo: db.prepare("select value from store where key like 'digest %'").pluck().all(),
      snapshots: db.prepare('select count(*) from snapshots').pluck().get(),
    };
  } finally {
    db.close();
  }
}

describe.each(DATABASE_KINDS)('kill -9 during lapse notify on %s', (kind) => {
  const setting = useDigestSetting(kind, { companies: 200, seed: 37, today: SEED_TODAY, prefix: 'lapse-kill-notify-' });
  const history = () => join(setting.home, 'history.db');

  const env = () => resellerEnvironment(setting.server, { LAPSE_NOW: PINNED_NOW, LAPSE_HISTORY: history() });
  const notifyArgs = () => [
    'notify',
    '--as-of',
    SEED_TODAY,
    '--webhook',
    setting.receiver.url,
    '--secret',
    's',
    '--backoff',
    '0',
  ];
  const digests = () => setting.receiver.received.map((post) => JSON.parse(post.body) as Digest);

  /** The next company renewing after 90 days, renewed a year on through the admin functions. */
  async function renewAnother(renewed: Set<string>): Promise<string> {
    const rows = await companiesBelow(setting.server, setting.server.credentials.reseller.companyResourceId);
    const row = rows.find(
      (one) =>
        !renewed.has(one.resource_id) &&
        one.license_end_at !== null &&
        dayOf(Number(one.license_end_at)) > addDays(SEED_TODAY, 90),
    );
    if (row === undefined) throw new Error('the seeded tree has too few companies to renew');
    await updateCompany(setting.server.storage.db, row.resource_id, {
      licenseEndDate: addDays(dayOf(Number(row.license_end_at)), 365),
    });
    renewed.add(row.resource_id);
    return row.resource_id;
  }

  /** Runs notify and SIGKILLs it from inside the receiver as the POST arrives: unanswered, or just answered 200. */
  async function killedNotify(answer: 'never' | 'after-2xx'): Promise<NodeJS.Signals | null> {
    const child = spawnCli(notifyArgs(), setting.home, env());
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    setting.receiver.onPost = (_post, response) => {
      // Killed first, then answered: the receiver has the digest and says 200, and lapse never gets to note it as
      // sent. Answered first, a kill a moment later could land after lapse had read the 200 and noted it.
      child.kill('SIGKILL');
      if (answer === 'after-2xx') response.writeHead(200).end();
    };
    try {
      return await exited;
    } finally {
      setting.receiver.onPost = (_post, response) => response.writeHead(204).end();
    }
  }

  it('delivers again after a kill in flight and after a kill past the 2xx, with the same digestId, losing nothing', async () => {
    expect((await runCli(['snapshot', '--as-of', SEED_TODAY], setting.home, env())).code).toBe(0);
    const renewed = new Set<string>();
    const byDigest = new Map<string, Digest>();

    for (const answer of ['never', 'after-2xx'] as const) {
      const company = await renewAnother(renewed);
      const before = storeState(history());
      const sentBefore = setting.receiver.received.length;
      expect(await killedNotify(answer)).toBe('SIGKILL');
      expect(setting.receiver.received.length).toBe(sentBefore + 1);
      const killed = digests().at(-1) as Digest;
      expect(killed.digestId).toMatch(/^[0-9a-f]{32}$/);
      expect(killed.changes).toEqual([expect.objectContaining({ kind: 'renewed', companyResourceId: company })]);
      // The listing was recorded before delivery; the digest's place did not move.
      const after = storeState(history());
      expect(after.integrity).toBe('ok');
      expect(after.sentUpTo).toEqual(before.sentUpTo.length === 0 ? [String(killed.since.id)] : before.sentUpTo);

      const again = await runCli(notifyArgs(), setting.home, env());
      expect(again.code).toBe(0);
      expect(setting.receiver.received.length).toBe(sentBefore + 2);
      const resent = digests().at(-1) as Digest;
      expect(resent.digestId).toBe(killed.digestId);
      expect(resent.since).toEqual(killed.since);
      expect(resent.changes).toEqual(killed.changes);
      for (const digest of [killed, resent]) byDigest.set(digest.digestId, digest);
      expect(storeState(history()).integrity).toBe('ok');
    }

    // Nothing new: nothing sent.
    const quiet = await runCli(notifyArgs(), setting.home, env());
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toMatch(/^nothing new since snapshot \d+: sent nothing\n$/);
    // A receiver that drops a digestId it has seen gets every renewal exactly once.
    const seen = [...byDigest.values()].flatMap((digest) => digest.changes.map((change) => change.companyResourceId));
    expect(seen.sort()).toEqual([...renewed].sort());
  }, 180_000);
});
