// `lapse ack` over real HTTP, on SQLite and PostgreSQL: an acknowledged company's changes are marked by
// `lapse changes` and left out of the digest `lapse notify` delivers (its counts say how many), until the
// acknowledgement's day has passed or its renewal date moves; then its next change is sent.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addDays, dayOf } from '../src/contract/index.js';
import { updateCompany } from '../src/server/admin/index.js';
import { companiesBelow } from './support/companies-below.js';
import { DATABASE_KINDS } from './support/databases.js';
import { useDigestSetting } from './support/digest-setting.js';
import { resellerEnvironment, runCli } from './support/run-cli.js';

const SEED_TODAY = '2026-03-10';
const PINNED_NOW = '2026-03-10T12:00:00Z';

interface Change {
  kind: string;
  companyResourceId: string;
  acknowledgedUntil: string | null;
}

interface Digest {
  digestId: string;
  counts: string;
  acknowledged: number;
  changes: Change[];
}

interface Listed {
  companyId: string;
  companyName: string | null;
  until: string | null;
  note: string | null;
  by: string;
  at: string;
}

describe.each(DATABASE_KINDS)('lapse ack on %s', (kind) => {
  const setting = useDigestSetting(kind, { companies: 200, seed: 29, today: SEED_TODAY, prefix: 'lapse-ack-' });

  const digests = () => setting.receiver.received.map((post) => JSON.parse(post.body) as Digest);
  const env = () =>
    resellerEnvironment(setting.server, { LAPSE_NOW: PINNED_NOW, LAPSE_HISTORY: join(setting.home, 'history.db') });
  const cli = (args: string[]) => runCli(args, setting.home, env());
  const notify = (asOf: string) =>
    cli(['notify', '--as-of', asOf, '--webhook', setting.receiver.url, '--secret', 's', '--backoff', '0']);
  const listed = async (asOf: string) => {
    const result = await cli(['ack', '--list', '--as-of', asOf, '--format', 'json']);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as Listed[];
  };
  const kindsFor = (changes: readonly Change[], id: string) =>
    changes.filter((change) => change.companyResourceId === id).map((change) => change.kind);

  /** Companies renewing after 90 days and under their limit, each name carried by no other company of the tree. */
  async function renewable() {
    const rows = await companiesBelow(setting.server, setting.server.credentials.reseller.companyResourceId);
    const names = new Map<string, number>();
    for (const row of rows) names.set(row.name, (names.get(row.name) ?? 0) + 1);
    return rows.filter(
      (row) =>
        names.get(row.name) === 1 &&
        row.license_end_at !== null &&
        !(
          Number(row.is_number_of_users_limited) === 1 && Number(row.target_user_count) > Number(row.number_of_users)
        ) &&
        dayOf(Number(row.license_end_at)) > addDays(SEED_TODAY, 90),
    );
  }

  async function renew(id: string): Promise<void> {
    const rows = await companiesBelow(setting.server, setting.server.credentials.reseller.companyResourceId);
    const row = rows.find((one) => one.resource_id === id);
    if (row?.license_end_at == null) throw new Error(`${id} has no renewal date`);
    await updateCompany(setting.server.storage.db, id, {
      licenseEndDate: addDays(dayOf(Number(row.license_end_at)), 365),
    });
  }

  it('marks acknowledged companies in changes, leaves them out of digests, and sends their next change once it ends', async () => {
    expect((await cli(['snapshot', '--as-of', SEED_TODAY])).code).toBe(0);
    const [held, sent, dated] = await renewable();
    if (held === undefined || sent === undefined || dated === undefined) throw new Error('too few companies');
    const byName = await cli(['ack', held.name, '--note', 'paid by wire, waiting for the bank']);
    expect(byName.code).toBe(0);
    expect(byName.stdout).toMatch(
      new RegExp(
        `^acknowledged .+ \\(${held.resource_id}\\) until its renewal date \\(\\d{4}-\\d\\d-\\d\\d\\) moves: `,
      ),
    );
    const until = addDays(SEED_TODAY, 2);
    expect((await cli(['ack', dated.resource_id, '--for', '2d'])).stdout).toContain(`through ${until}`);
    // A third, acknowledged and removed again, is sent as if it never was.
    expect((await cli(['ack', sent.resource_id, '--until', until])).code).toBe(0);
    expect((await cli(['ack', sent.resource_id, '--remove'])).stdout).toBe(
      `removed the acknowledgement of ${sent.resource_id}: its changes are sent again\n`,
    );
    expect((await cli(['ack', sent.resource_id, '--remove'])).stdout).toBe(
      `${sent.resource_id} had no acknowledgement\n`,
    );
    // The held company goes over its limit (its renewal date stays); the other two renew.
    await updateCompany(setting.server.storage.db, held.resource_id, {
      isNumberOfUsersLimited: true,
      numberOfUsers: 1,
      targetUserCount: 50,
    });
    for (const row of [sent, dated]) await renew(row.resource_id);

    const list = await listed(SEED_TODAY);
    expect(list.map((row) => [row.companyId, row.until, row.note])).toEqual([
      [held.resource_id, null, 'paid by wire, waiting for the bank'],
      [dated.resource_id, until, null],
    ]);
    expect(list[0]?.companyName).toBe(held.name);
    expect(list.every((row) => row.by.endsWith(`(client ${setting.server.credentials.reseller.clientId})`))).toBe(true);
    expect(list.every((row) => row.at === '2026-03-10T12:00:00.000Z')).toBe(true);

    const changes = await cli(['changes', '--as-of', SEED_TODAY, '--no-record', '--format', 'json']);
    expect(changes.code).toBe(10);
    const report = JSON.parse(changes.stdout) as Digest;
    expect(report.changes.map((row) => [row.kind, row.companyResourceId, row.acknowledgedUntil]).sort()).toEqual(
      [
        ['newly-over-limit', held.resource_id, 'renewal date moves'],
        ['renewed', sent.resource_id, null],
        ['renewed', dated.resource_id, until],
      ].sort(),
    );
    expect(report.acknowledged).toBe(2);
    const table = await cli(['changes', '--as-of', SEED_TODAY, '--no-record']);
    expect(table.stdout).toMatch(/ Acknowledged until\n/);
    expect(table.stdout).toMatch(/: 2 renewed, 1 newly-over-limit; 2 of them acknowledged/);

    const first = await notify(SEED_TODAY);
    expect(first.code).toBe(0);
    expect(digests()).toHaveLength(1);
    expect(digests()[0]?.changes.map((row) => [row.kind, row.companyResourceId])).toEqual([
      ['renewed', sent.resource_id],
    ]);
    expect(digests()[0]?.counts).toBe('1 renewed; 2 acknowledged, not sent');
    expect(digests()[0]?.acknowledged).toBe(2);

    // The held company renews: its renewal date moved, so that change ends its acknowledgement and is sent. The
    // dated one changes again after its last day: sent. The third has nothing new.
    await renew(held.resource_id);
    await renew(dated.resource_id);
    const later = addDays(until, 1);
    expect((await notify(later)).code).toBe(0);
    // Judged by what the history last recorded: the listing notify just kept.
    expect(await listed(later)).toEqual([]);
    expect(digests()).toHaveLength(2);
    const next = digests()[1]?.changes ?? [];
    expect(kindsFor(next, held.resource_id)).toEqual(['renewed']);
    expect(kindsFor(next, dated.resource_id)).toEqual(['renewed']);
    expect(kindsFor(next, sent.resource_id)).toEqual([]);
    expect(digests()[1]?.acknowledged).toBe(0);
  }, 120_000);

  it('refuses a bad call in one line with exit 2, and an unknown company with exit 6', async () => {
    const cases: [string[], number, string][] = [
      [['ack'], 2, 'lapse ack: name a company (resource id or exact name)\n'],
      [['ack', 'x', '--until', '2026-13-01'], 2, 'lapse ack: --until 2026-13-01: not a YYYY-MM-DD day\n'],
      [
        ['ack', 'x', '--until', '2026-03-01', '--as-of', SEED_TODAY],
        2,
        'lapse ack: --until 2026-03-01 is before the as-of day 2026-03-10\n',
      ],
      [['ack', 'x', '--until', '2026-04-01', '--for', '3d'], 2, 'lapse ack: give --until or --for, not both\n'],
      [['ack', '--list', 'x'], 2, 'lapse ack: --list takes no company and no --remove\n'],
      [['ack', 'x', '--remove', '--note', 'n'], 2, 'lapse ack: --remove takes no --until, --for or --note\n'],
      [
        ['ack', 'no company is called this'],
        6,
        'lapse ack: no company has the resource id or name "no company is called this"\n',
      ],
    ];
    for (const [args, code, stderr] of cases) {
      const result = await cli(args);
      expect([result.code, result.stderr]).toEqual([code, stderr]);
    }
  });
});
