// `lapse snapshot` and `lapse changes` over real HTTP, on SQLite and PostgreSQL, straight to the server and through
// a proxy that ignores the renewal filter: after one company is renewed (through the admin functions) and "today"
// moves past another's renewal day, the changes reported are exactly those an independent reading of the database
// before and after finds.
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../src/client/index.js';
import { addDays, dayOf } from '../src/contract/index.js';
import { HistoryError, openHistory } from '../src/history/index.js';
import { updateCompany } from '../src/server/admin/index.js';
import { companiesBelow } from './support/companies-below.js';
import { DATABASE_KINDS } from './support/databases.js';
import { type FaultProxy, startFaultProxy } from './support/fault-proxy.js';
import { type CliResult, resellerEnvironment, runCli } from './support/run-cli.js';
import { loadWorkbook, sheetTexts } from './support/spreadsheet-readers.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const SEED_TODAY = '2026-03-10';
const PINNED_NOW = '2026-03-10T12:00:00Z';
const WITHIN_DAYS = 30;

/** A company as the database holds it, read with the server's own storage but none of the client's code. */
interface StoredCompany {
  id: string;
  renewalDay: string | null;
  licenceType: string | null;
  isOver: boolean;
}

type Truth = [kind: string, resourceId: string, renewedByDays: number | null][];

async function storedCompanies(server: TestServer, underResourceId: string): Promise<Map<string, StoredCompany>> {
  const rows = await companiesBelow(server, underResourceId);
  return new Map(
    rows.map((row) => [
      row.resource_id,
      {
        id: row.resource_id,
        renewalDay: row.license_end_at === null ? null : dayOf(Number(row.license_end_at)),
        licenceType: row.license_type_name,
        isOver:
          Number(row.is_number_of_users_limited) === 1 && Number(row.target_user_count) > Number(row.number_of_users),
      },
    ]),
  );
}

const daysApart = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000);
const inWindow = (day: string | null, asOf: string) => day !== null && day >= asOf && day <= addDays(asOf, WITHIN_DAYS);

/** What changed, read from the two states of the database on their own days. */
function truthOf(
  before: Map<string, StoredCompany>,
  beforeDay: string,
  after: Map<string, StoredCompany>,
  afterDay: string,
): Truth {
  const truth: Truth = [];
  for (const [id, now] of after) {
    const then = before.get(id);
    if (!then) {
      truth.push(['added', id, null]);
      continue;
    }
    const wasExpired = then.renewalDay !== null && then.renewalDay < beforeDay;
    const isExpired = now.renewalDay !== null && now.renewalDay < afterDay;
    if (isExpired && !wasExpired) truth.push(['newly-expired', id, null]);
    if (then.renewalDay !== null && (now.renewalDay === null || now.renewalDay > then.renewalDay)) {
      truth.push(['renewed', id, now.renewalDay === null ? null : daysApart(then.renewalDay, now.renewalDay)]);
    }
    if (inWindow(now.renewalDay, afterDay) && !inWindow(then.renewalDay, beforeDay))
      truth.push(['newly-renewing', id, null]);
    if (now.isOver && !then.isOver) truth.push(['newly-over-limit', id, null]);
    if (then.isOver && !now.isOver) truth.push(['back-under-limit', id, null]);
    if (then.licenceType !== now.licenceType) truth.push(['licence-type-changed', id, null]);
  }
  for (const id of before.keys()) if (!after.has(id)) truth.push(['removed', id, null]);
  return truth.sort();
}

interface ChangesJson {
  since: { id: number; asOf: string };
  asOf: string;
  companyCount: number;
  recordedSnapshot: number | null;
  count: number;
  changes: { kind: string; companyResourceId: string; renewedByDays: number | null; resellerName: string | null }[];
  groups?: { resellerName: string | null; changes: ChangesJson['changes'] }[];
}

const reported = (document: ChangesJson): Truth =>
  document.changes.map((change): Truth[number] => [change.kind, change.companyResourceId, change.renewedByDays]).sort();

function parseJson<T>(result: CliResult, expectedCode: number): T {
  expect(result.stderr).not.toMatch(/^lapse( [\w-]+)*: /m);
  expect(result.code).toBe(expectedCode);
  return JSON.parse(result.stdout) as T;
}

describe.each(DATABASE_KINDS)('lapse changes on %s', (kind) => {
  let server: TestServer;
  let proxy: FaultProxy;
  let home: string;
  const renewed = new Set<string>();

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lapse-history-e2e-'));
    server = await startTestServer({ kind, companies: 600, seed: 23, today: SEED_TODAY });
    proxy = await startFaultProxy(server.baseUrl, {
      ignoreDateFilter: true,
      pascalCase: true,
      numbersAsStrings: true,
      datesWithoutOffset: true,
    });
  }, 180_000);

  afterAll(async () => {
    await proxy?.close();
    await server?.close();
    await rm(home, { recursive: true, force: true });
  });

  const envFor = (baseUrl: string, history: string) =>
    resellerEnvironment(server, { LAPSE_NOW: PINNED_NOW, LAPSE_HISTORY: history }, baseUrl);

  /**
   * Snapshot on `asOf`, renew one company by a year and move to the day after the next renewal day, then
   * `lapse changes`: exactly the truth, with the renewal and the crossing among it.
   */
  async function renewAndCross(baseUrl: string, history: string, asOf: string) {
    const env = envFor(baseUrl, history);
    const reseller = server.credentials.reseller.companyResourceId;
    const before = await storedCompanies(server, reseller);
    const snapshot = parseJson<{ snapshot: { companyCount: number } }>(
      await runCli(['snapshot', '--as-of', asOf, '--format', 'json', '--page-size', '100'], home, env),
      0,
    );
    expect(snapshot.snapshot.companyCount).toBe(before.size);

    const dated = [...before.values()].filter((c) => c.renewalDay !== null && !renewed.has(c.id));
    const toRenew = dated.find((c) => (c.renewalDay as string) > addDays(asOf, 90));
    const toCross = dated
      .filter((c) => (c.renewalDay as string) >= asOf && c !== toRenew)
      .sort((a, b) => ((a.renewalDay as string) < (b.renewalDay as string) ? -1 : 1))[0];
    if (!toRenew || !toCross) throw new Error('the seeded tree has no company to renew or to cross');
    renewed.add(toRenew.id);
    await updateCompany(server.storage.db, toRenew.id, { licenseEndDate: addDays(toRenew.renewalDay as string, 365) });
    const later = addDays(toCross.renewalDay as string, 1);
    const after = await storedCompanies(server, reseller);

    const args = ['changes', '--since', 'last', '--as-of', later, '--within', `${WITHIN_DAYS}d`, '--format', 'json'];
    const changes = parseJson<ChangesJson>(await runCli([...args, '--page-size', '100'], home, env), 10);
    const truth = truthOf(before, asOf, after, later);
    expect(reported(changes)).toEqual(truth);
    expect(truth).toContainEqual(['renewed', toRenew.id, 365]);
    expect(truth).toContainEqual(['newly-expired', toCross.id, null]);
    expect(changes).toMatchObject({ asOf: later, since: { asOf }, companyCount: after.size, count: truth.length });
    expect(changes.recordedSnapshot).not.toBeNull();

    // The run just recorded is now "last": nothing changed since, and a cron job sees exit 0.
    const again = parseJson<ChangesJson>(await runCli(args, home, env), 0);
    expect(again.count).toBe(0);
    // Named by its day, the first snapshot gives the same changes again, grouped by reseller on request.
    const byDay = parseJson<ChangesJson>(
      await runCli(
        ['changes', '--since', asOf, '--as-of', later, '--no-record', '--group-by', 'reseller', '--format', 'json'],
        home,
        env,
      ),
      10,
    );
    const grouped = (byDay.groups ?? []).flatMap((group) => group.changes);
    expect(reported({ ...byDay, changes: grouped })).toEqual(truth);
    const resellers = (byDay.groups ?? []).map((group) => group.resellerName ?? '');
    expect(resellers).toEqual([...new Set(resellers)].sort());
    return { later, truth };
  }

  it('reports exactly the renewal, the crossing and what the moved day brings', async () => {
    await renewAndCross(server.baseUrl, join(home, 'direct.db'), SEED_TODAY);
  });

  it('reports the same through a server that ignores the renewal filter, whichever listing recorded the snapshot', async () => {
    const history = join(home, 'proxied.db');
    const { later } = await renewAndCross(proxy.baseUrl, history, addDays(SEED_TODAY, 1));
    const env = envFor(proxy.baseUrl, history);
    // The expired listing falls back to an ordered scan there; recorded, it updates only the rows it saw, so a
    // whole-scope comparison with it finds nothing new and no company gone.
    const expired = await runCli(['expired', '--as-of', later, '--record', '--format', 'json'], home, env);
    expect(expired.code).toBe(0);
    expect(JSON.parse(expired.stdout).strategy).toBe('ordered-scan');
    expect(expired.stderr).toMatch(/recorded snapshot \d+ \(expired\)/);
    const since = parseJson<ChangesJson>(
      await runCli(['changes', '--as-of', later, '--no-record', '--format', 'json'], home, env),
      0,
    );
    expect(since.count).toBe(0);
  });

  it('writes the changes as CSV and Excel with their own columns', async () => {
    const history = join(home, 'files.db');
    const env = envFor(server.baseUrl, history);
    expect((await runCli(['snapshot', '--as-of', SEED_TODAY], home, env)).code).toBe(0);
    const later = addDays(SEED_TODAY, 40);
    const csv = await runCli(['changes', '--as-of', later, '--no-record', '--format', 'csv'], home, env);
    expect(csv.code).toBe(10);
    const lines = csv.stdout
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toBe(
      'Change,Company Name,Company ID,Reseller Name,Renewal Date Before,Renewal Date After,Renewed By Days,' +
        'License Type Before,License Type After,Target Users Before,Target Users After,License Limit Before,' +
        'License Limit After,Lifecycle State,Next State Change,Lead Window Days,Acknowledged Until',
    );
    const file = join(home, 'changes.xlsx');
    const xlsx = await runCli(
      ['changes', '--as-of', later, '--no-record', '--format', 'xlsx', '--output', file],
      home,
      env,
    );
    expect(xlsx.code).toBe(10);
    const table = await runCli(['changes', '--as-of', later, '--no-record', '--group-by', 'reseller'], home, env);
    expect(table.code).toBe(10);
    expect(table.stdout).toMatch(
      /^.+: \d+ changes\nChange +Company +Company ID +Reseller +Before +After +Lifecycle state\n/,
    );
    // The table's footer says what was compared; beside CSV the same line goes to stderr, and stdout holds data.
    const footer = new RegExp(`^${lines.length - 1} changes since snapshot 1 \\(scope, as of ${SEED_TODAY}`, 'm');
    expect(table.stdout).toMatch(footer);
    expect(csv.stderr).toMatch(footer);
    expect(csv.stdout).not.toMatch(footer);
    const sheet = sheetTexts(await loadWorkbook(readFileSync(file))).get('Changes') ?? [];
    expect(sheet.length).toBe(lines.length);
    expect(
      sheet
        .slice(1)
        .map((row) => row[0])
        .every((kind) => kind === 'newly-expired' || kind === 'newly-renewing'),
    ).toBe(true);
  });

  it('gives the SDK the same history: openHistory(...).snapshot and .changes over one store', async () => {
    const credential = server.credentials.subReseller;
    const client = createClient({ baseUrl: server.baseUrl, ...credential });
    const identity = { baseUrl: server.baseUrl, clientId: credential.clientId, companyId: undefined };
    const history = openHistory({ ...identity, path: join(home, 'sdk.db') });
    try {
      const before = await storedCompanies(server, credential.companyResourceId);
      const first = await history.snapshot(client, { asOf: SEED_TODAY });
      expect(first).toMatchObject({ id: 1, view: 'scope', companyCount: before.size, added: before.size });
      const later = addDays(SEED_TODAY, 45);
      const report = await history.changes(client, { since: 'last', asOf: later, withinDays: WITHIN_DAYS });
      const after = await storedCompanies(server, credential.companyResourceId);
      expect(reported(report as unknown as ChangesJson)).toEqual(truthOf(before, SEED_TODAY, after, later));
      expect(report.recorded?.id).toBe(2);
      expect(history.snapshots().map((snapshot) => snapshot.asOf)).toEqual([SEED_TODAY, later]);
      await expect(history.changes(client, { since: '2020-01-01', record: false })).rejects.toThrow(HistoryError);
    } finally {
      history.close();
    }
    expect(() => openHistory({ ...identity, clientId: 'someone-else', path: join(home, 'sdk.db') })).toThrow(
      /holds the history of .* not of .*someone-else/,
    );
  });

  it("refuses a history file that is not lapse's, in one line, exit 2, the file left as it was", async () => {
    const file = join(home, 'not-history.db');
    writeFileSync(file, 'a shopping list, not a history\n');
    const result = await runCli(['changes'], home, envFor(server.baseUrl, file));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^lapse changes: .*not-history\.db is not a lapse history file or is damaged.*\n$/);
    expect(readFileSync(file, 'utf8')).toBe('a shopping list, not a history\n');
    const first = await runCli(['changes', '--history', join(home, 'empty.db')], home, envFor(server.baseUrl, file));
    expect(first.code).toBe(2);
    expect(first.stderr).toMatch(/^lapse changes: no snapshot yet in .* \(this listing is recorded as snapshot 1\)\n$/);
  });
});
