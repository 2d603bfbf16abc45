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
});
