import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { compareListings } from './changes.js';
import type { CompanyFacts } from './company-facts.js';
import { HistoryError } from './history-error.js';
import { defaultHistoryPath } from './history-location.js';
import { type HistoryIdentity, HistoryStore, type SnapshotInput } from './history-store.js';

const IDENTITY: HistoryIdentity = { baseUrl: 'http://127.0.0.1:1', clientId: 'client-a', companyId: undefined };

function company(id: string, changes: Partial<CompanyFacts> = {}): CompanyFacts {
  return {
    companyResourceId: id,
    companyName: `Company ${id}`,
    resellerName: 'Reseller',
    licenceType: 'Standard',
    renewalDay: '2026-12-20',
    userLimit: 100,
    targetUserCount: 50,
    ...changes,
  };
}

function snapshot(asOf: string, companies: CompanyFacts[], isWholeScope = true): SnapshotInput {
  return {
    takenAt: `${asOf}T12:00:00.000Z`,
    asOf,
    timeZone: 'UTC',
    view: isWholeScope ? 'scope' : 'expired',
    isWholeScope,
    strategy: 'scope',
    reason: 'test',
    companies,
  };
}

const ACK = { note: 'on hold', by: 'alice (client client-a)', at: '2026-03-01T09:00:00.000Z' };

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lapse-history-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const versionCount = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    const count = (table: string) => (db.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;
    return count('current_companies') + count('company_versions');
  } finally {
    db.close();
  }
};

describe('HistoryStore', () => {
  it('keeps a version only when a company differs from the one before, and knows each snapshot as it was', () => {
    const path = join(dir, 'h.db');
    const store = HistoryStore.open(path, IDENTITY);
    const first = store.record(snapshot('2026-03-01', [company('a'), company('b'), company('c')]));
    const second = store.record(snapshot('2026-03-02', [company('a'), company('b'), company('c')]));
    const third = store.record(
      snapshot('2026-03-03', [company('a', { renewalDay: '2027-03-20' }), company('b'), company('d')]),
    );
    expect([first.added, second.added + second.changed + second.removed]).toEqual([3, 0]);
    expect(third).toMatchObject({ added: 1, changed: 1, removed: 1, companyCount: 3 });
    expect(versionCount(path)).toBe(5);
    expect([...store.companiesAt(second.id).keys()].sort()).toEqual(['a', 'b', 'c']);
    expect(store.companiesAt(second.id).get('a')?.renewalDay).toBe('2026-12-20');
    expect([...store.companiesAt(third.id).keys()].sort()).toEqual(['a', 'b', 'd']);
    expect(store.newestSnapshot('2026-03-02')?.id).toBe(second.id);
    expect(store.newestSnapshot('2026-02-28')).toBeUndefined();
    store.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('updates only what a filtered listing saw, and never counts the rest as gone', () => {
    const store = HistoryStore.open(join(dir, 'h.db'), IDENTITY);
    store.record(snapshot('2026-03-01', [company('a'), company('b')]));
    const partial = store.record(snapshot('2026-03-02', [company('a', { targetUserCount: 500 })], false));
    expect(partial).toMatchObject({ changed: 1, removed: 0 });
    expect([...store.companiesAt(partial.id).keys()].sort()).toEqual(['a', 'b']);
    store.close();
  });

  it('refuses a file that is not a lapse history and leaves it as it was', () => {
    const text = join(dir, 'notes.db');
    writeFileSync(text, 'these are not the snapshots you are looking for\n'.repeat(100));
    const before = readFileSync(text);
    expect(() => HistoryStore.open(text, IDENTITY)).toThrow(HistoryError);
    expect(() => HistoryStore.open(text, IDENTITY)).toThrow(/is not a lapse history file or is damaged/);
    expect(readFileSync(text).equals(before)).toBe(true);

    const foreign = join(dir, 'foreign.db');
    const db = new Database(foreign);
    db.exec('create table t (x); insert into t values (1)');
    db.close();
    const foreignBytes = readFileSync(foreign);
    expect(() => HistoryStore.open(foreign, IDENTITY)).toThrow(`${foreign} is not a lapse history file`);
    expect(readFileSync(foreign).equals(foreignBytes)).toBe(true);
    expect(existsSync(`${foreign}-wal`)).toBe(false);
  });

  it('refuses a damaged history with a HistoryError, writing nothing', () => {
    const path = join(dir, 'h.db');
    const store = HistoryStore.open(path, IDENTITY);
    const many = Array.from({ length: 3000 }, (_, index) => company(`c${index}`));
    store.record(snapshot('2026-03-01', many));
    store.close();
    const bytes = readFileSync(path);
    // Keep the header page, wreck every page after it.
    bytes.fill(0xa5, 4096);
    writeFileSync(path, bytes);
    const use = () => {
      const damaged = HistoryStore.open(path, IDENTITY);
      try {
        damaged.companiesAt(1);
      } finally {
        damaged.close();
      }
    };
    expect(use).toThrow(HistoryError);
    expect(use).toThrow(/is not a lapse history file or is damaged/);
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it("refuses another credential's or server's history", () => {
    const path = join(dir, 'h.db');
    HistoryStore.open(path, IDENTITY).close();
    expect(() => HistoryStore.open(path, { ...IDENTITY, clientId: 'client-b' })).toThrow(
      /holds the history of http:\/\/127.0.0.1:1 as client client-a, scope the whole tree, not of .* client client-b/,
    );
    expect(() => HistoryStore.open(path, { ...IDENTITY, companyId: 'x' })).toThrow(HistoryError);
  });

  it('brings a format-1 history up to date, keeping its snapshots, and refuses a newer format untouched', () => {
    const path = join(dir, 'h.db');
    const old = HistoryStore.open(path, IDENTITY);
    old.record(snapshot('2026-03-01', [company('a'), company('b')]));
    old.close();
    // What a lapse of format 1 wrote: no acknowledgements table.
    const db = new Database(path);
    db.exec("drop table acknowledgements; update store set value = '1' where key = 'format'");
    db.pragma('user_version = 1');
    db.close();

    const store = HistoryStore.open(path, IDENTITY);
    expect(store.snapshots().map((kept) => kept.asOf)).toEqual(['2026-03-01']);
    expect([...store.companiesAt(1).keys()].sort()).toEqual(['a', 'b']);
    store.acknowledge({ ...ACK, companyId: 'a', until: '2026-03-09', renewalDay: '2026-12-20' });
    expect([...store.activeAcknowledgements('2026-03-02').keys()]).toEqual(['a']);
    store.close();
    const upgraded = new Database(path, { readonly: true });
    expect(upgraded.pragma('user_version', { simple: true })).toBe(2);
    expect(upgraded.pragma('integrity_check', { simple: true })).toBe('ok');
    upgraded.close();

    const newer = new Database(path);
    newer.pragma('user_version = 3');
    newer.close();
    const bytes = readFileSync(path);
    expect(() => HistoryStore.open(path, IDENTITY)).toThrow(
      `${path} is a lapse history of format 3; this lapse reads 1 to 2`,
    );
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('silences a company until a day, or while its renewal day stays; keeps who, when and why of each', () => {
    const path = join(dir, 'h.db');
    const store = HistoryStore.open(path, IDENTITY);
    store.record(snapshot('2026-03-01', [company('dated'), company('held'), company('other')]));
    store.acknowledge({ ...ACK, companyId: 'dated', until: '2026-03-10', renewalDay: '2026-12-20' });
    store.acknowledge({ ...ACK, companyId: 'held', until: null, note: null, renewalDay: '2026-12-20' });
    expect(store.activeAcknowledgements('2026-03-10')).toEqual(
      new Map([
        ['dated', { companyId: 'dated', until: '2026-03-10', note: 'on hold', by: ACK.by, at: ACK.at }],
        ['held', { companyId: 'held', until: null, note: null, by: ACK.by, at: ACK.at }],
      ]),
    );
    // The day after its end the first is gone; the second holds until the renewal day moves.
    expect([...store.activeAcknowledgements('2026-03-11').keys()]).toEqual(['held']);
    const renewed = new Map([['held', company('held', { renewalDay: '2027-12-20' })]]);
    expect(store.activeAcknowledgements('2026-03-11', renewed).size).toBe(0);
    store.record(snapshot('2026-03-02', [company('dated'), company('held', { renewalDay: '2027-12-20' })]));
    expect(store.activeAcknowledgements('2026-03-02').has('held')).toBe(false);

    // A new acknowledgement replaces the one in force; removing ends it; both stay in the history.
    store.acknowledge({ ...ACK, companyId: 'dated', until: '2026-04-01', note: 'again', renewalDay: '2026-12-20' });
    expect(store.activeAcknowledgements('2026-03-20').get('dated')?.note).toBe('again');
    expect(store.removeAcknowledgement('dated', '2026-03-21T00:00:00.000Z')).toBe(true);
    expect(store.removeAcknowledgement('dated')).toBe(false);
    expect(store.activeAcknowledgements('2026-03-20').has('dated')).toBe(false);
    store.close();
    const db = new Database(path, { readonly: true });
    const kept = db.prepare('select resource_id, note, ended_at from acknowledgements order by id').all();
    db.close();
    expect(kept).toEqual([
      { resource_id: 'dated', note: 'on hold', ended_at: ACK.at },
      { resource_id: 'held', note: null, ended_at: null },
      { resource_id: 'dated', note: 'again', ended_at: '2026-03-21T00:00:00.000Z' },
    ]);
  });

  it('puts each base URL, credential and scope in a file of its own under the data directory', () => {
    const env = { XDG_DATA_HOME: '/data', HOME: '/home/u' };
    const path = defaultHistoryPath(IDENTITY, env);
    expect(path).toMatch(/^\/data\/lapse\/history-127\.0\.0\.1_1-[0-9a-f]{16}\.db$/);
    expect(defaultHistoryPath(IDENTITY, { HOME: '/home/u' })).toMatch(/^\/home\/u\/\.local\/share\/lapse\//);
    expect(defaultHistoryPath({ ...IDENTITY, clientId: 'b' }, env)).not.toBe(path);
    expect(defaultHistoryPath({ ...IDENTITY, companyId: 'c' }, env)).not.toBe(path);
  });
});

describe('compareListings', () => {
  it('reports each kind of change, measured on each side on its own day', () => {
    const before = new Map(
      [
        company('expires', { renewalDay: '2026-03-05' }),
        company('renews', { renewalDay: '2026-03-02' }),
        company('window', { renewalDay: '2026-04-20' }),
        company('over', { targetUserCount: 100 }),
        company('under', { targetUserCount: 101 }),
        company('trial', { licenceType: 'Trial' }),
        company('gone'),
      ].map((facts) => [facts.companyResourceId, facts]),
    );
    const after = new Map(
      [
        company('expires', { renewalDay: '2026-03-05' }),
        company('renews', { renewalDay: '2027-03-02' }),
        company('window', { renewalDay: '2026-04-20' }),
        company('over', { targetUserCount: 101 }),
        company('under', { userLimit: null, targetUserCount: 101 }),
        company('trial', { licenceType: 'Standard' }),
        company('new'),
      ].map((facts) => [facts.companyResourceId, facts]),
    );
    const changes = compareListings(
      { asOf: '2026-03-01', companies: before },
      { asOf: '2026-03-25', companies: after },
      { withinDays: 30 },
    );
    expect(changes.map((change) => [change.kind, change.companyResourceId])).toEqual([
      ['newly-expired', 'expires'],
      ['renewed', 'renews'],
      ['newly-renewing', 'window'],
      ['newly-over-limit', 'over'],
      ['back-under-limit', 'under'],
      ['licence-type-changed', 'trial'],
      ['added', 'new'],
      ['removed', 'gone'],
    ]);
    expect(changes[1]?.renewedByDays).toBe(365);
  });

  it('reports a lead window once, when it is entered, however many days apart the two sides are read', () => {
    const policy = { graceDays: 14, leadDays: [30, 7, 0], licenceTypes: { Trial: { leadDays: [3] } } };
    const facts = [
      company('soon', { renewalDay: '2026-04-10' }),
      company('trial', { licenceType: 'Trial', renewalDay: '2026-04-10' }),
    ];
    const side = (asOf: string, companies = facts) => ({
      asOf,
      companies: new Map(companies.map((one) => [one.companyResourceId, one])),
    });
    const windowsEntered = (from: string, to: string, later = facts) =>
      compareListings(side(from), side(to, later), { withinDays: 30, policy })
        .filter((change) => change.kind === 'entered-lead-window')
        .map((change) => [change.companyResourceId, change.leadWindow]);
    // Day by day from 1 March to 11 April: one notice as each window opens, none on the days between.
    const notices: [string, (string | number | null)[][]][] = [];
    for (let day = '2026-03-01'; day < '2026-04-11'; ) {
      const next = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
      const entered = windowsEntered(day, next);
      if (entered.length > 0) notices.push([next, entered]);
      day = next;
    }
    expect(notices).toEqual([
      ['2026-03-11', [['soon', 30]]],
      ['2026-04-03', [['soon', 7]]],
      ['2026-04-07', [['trial', 3]]],
      ['2026-04-10', [['soon', 0]]],
    ]);
    // Read a week apart, a company that skipped a window gets one notice, for the window it is in.
    expect(windowsEntered('2026-03-01', '2026-04-04')).toEqual([['soon', 7]]);
    // A renewal starts the windows afresh; without a policy there are none.
    const renewed = [company('soon', { renewalDay: '2026-04-20' })];
    expect(windowsEntered('2026-04-05', '2026-04-06', renewed)).toEqual([['soon', 30]]);
    const plain = compareListings(side('2026-03-01'), side('2026-04-04'), { withinDays: 30 });
    expect(plain.some((change) => change.kind === 'entered-lead-window')).toBe(false);
  });
});
