// One notice per lead window over real HTTP, on SQLite and PostgreSQL: `lapse notify` run day after day (the day
// moved with --as-of) tells the receiver once as a company enters each of the policy's lead windows, and not again
// on the days between; no company is told of the same window twice.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../src/contract/index.js';
import { companiesBelow } from './support/companies-below.js';
import { DATABASE_KINDS } from './support/databases.js';
import { useDigestSetting } from './support/digest-setting.js';
import { resellerEnvironment, runCli } from './support/run-cli.js';

const SEED_TODAY = '2026-03-10';
const PINNED_NOW = '2026-03-10T12:00:00Z';

interface Digest {
  asOf: string;
  changes: { kind: string; companyResourceId: string; leadWindow: number | null }[];
}

describe.each(DATABASE_KINDS)('lead-window notices on %s', (kind) => {
  const setting = useDigestSetting(kind, { companies: 200, seed: 47, today: SEED_TODAY, prefix: 'lapse-lead-' });

  it('tells of each window once, on the day it opens, across daily runs', async () => {
    const policy = join(setting.home, 'policy.json');
    writeFileSync(policy, JSON.stringify({ leadDays: [30, 7, 0] }));
    const env = resellerEnvironment(setting.server, {
      LAPSE_NOW: PINNED_NOW,
      LAPSE_HISTORY: join(setting.home, 'history.db'),
    });
    const rows = await companiesBelow(setting.server, setting.server.credentials.reseller.companyResourceId);
    const watched = rows.find(
      (row) => row.license_end_at !== null && dayOf(Number(row.license_end_at)) > addDays(SEED_TODAY, 60),
    );
    if (watched?.license_end_at == null) throw new Error('no company renewing far enough ahead');
    const renewalDay = dayOf(Number(watched.license_end_at));

    expect((await runCli(['snapshot', '--as-of', addDays(renewalDay, -31)], setting.home, env)).code).toBe(0);
    const days = [-30, -29, -28, -7, -6, 0].map((offset) => addDays(renewalDay, offset));
    for (const day of days) {
      const run = await runCli(
        ['notify', '--as-of', day, '--webhook', setting.receiver.url, '--secret', 's', '--policy', policy],
        setting.home,
        env,
      );
      expect(run.code, run.stderr).toBe(0);
    }
    const digests = setting.receiver.received.map((post) => JSON.parse(post.body) as Digest);
    const notices = digests.flatMap((digest) =>
      digest.changes
        .filter((change) => change.kind === 'entered-lead-window')
        .map((change) => ({ asOf: digest.asOf, id: change.companyResourceId, window: change.leadWindow })),
    );
    expect(notices.filter((notice) => notice.id === watched.resource_id)).toEqual([
      { asOf: addDays(renewalDay, -30), id: watched.resource_id, window: 30 },
      { asOf: addDays(renewalDay, -7), id: watched.resource_id, window: 7 },
      { asOf: renewalDay, id: watched.resource_id, window: 0 },
    ]);
    const pairs = notices.map((notice) => `${notice.id} ${notice.window}`);
    expect(new Set(pairs).size).toBe(pairs.length);
  }, 180_000);
});
