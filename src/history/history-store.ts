// The history file: an SQLite database of snapshots and of company versions that hold from one snapshot to the
// one that changed them (valid_from inclusive, valid_to exclusive), so it grows by changes, not by copies. Each
// snapshot is one transaction: a process killed while recording leaves the store as it was before.
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { CalendarDay } from '../contract/index.js';
import { type CompanyFacts, isSameFacts } from './company-facts.js';
import { HistoryError } from './history-error.js';

/** "laps": marks the file as lapse's, so a foreign SQLite file is refused rather than written to. */
const APPLICATION_ID = 0x6c617073;
const FORMAT_VERSION = 1;

export interface HistoryIdentity {
  baseUrl: string;
  clientId: string;
  /** The scoping company (contract §3); undefined for the credential's whole tree. */
  companyId: string | undefined;
}

export interface SnapshotInput {
  /** When the listing ran (ISO-8601). */
  takenAt: string;
  asOf: CalendarDay;
  timeZone: string;
  /** What was listed: `scope` for everything the credential sees, else the listing's name (`expired`, …). */
  view: string;
  /** A whole-scope listing also records which companies are gone; a filtered one only updates what it saw. */
  isWholeScope: boolean;
  strategy: string;
  reason: string;
  companies: Iterable<CompanyFacts>;
}

export interface Snapshot {
  id: number;
  takenAt: string;
  asOf: CalendarDay;
  timeZone: string;
  view: string;
  isWholeScope: boolean;
  strategy: string;
  reason: string;
  server: string;
  companyCount: number;
}

export interface RecordedSnapshot extends Snapshot {
  /** Company versions written: new companies, changed ones and (whole scope) companies gone. */
  added: number;
  changed: number;
  removed: number;
}

const SCHEMA = `
  create table store (key text primary key, value text not null) strict;
  create table snapshots (
    id integer primary key,
    taken_at text not null,
    as_of text not null,
    time_zone text not null,
    view text not null,
    is_whole_scope integer not null,
    strategy text not null,
    reason text not null,
    server text not null,
    company_count integer not null
  ) strict;
  create table companies (id integer primary key, resource_id text not null unique) strict;
  create table company_versions (
    company_id integer not null references companies (id),
    valid_from integer not null references snapshots (id),
    valid_to integer references snapshots (id),
    name text not null,
    reseller text,
    licence_type text,
    renewal_day text,
    user_limit integer,
    target_users integer not null,
    primary key (company_id, valid_from)
  ) strict, without rowid;
  create index current_versions on company_versions (company_id) where valid_to is null;
`;

const VERSION_COLUMNS =
  'c.resource_id, v.name, v.reseller, v.licence_type, v.renewal_day, v.user_limit, v.target_users';
type VersionRow = [string, string, string | null, string | null, string | null, number | null, number];

function factsOfRow(row: VersionRow): CompanyFacts {
  return {
    companyResourceId: row[0],
    companyName: row[1],
    resellerName: row[2],
    licenceType: row[3],
    renewalDay: row[4],
    userLimit: row[5],
    targetUserCount: row[6],
  };
}

interface SnapshotRow {
  id: number;
  taken_at: string;
  as_of: string;
  time_zone: string;
  view: string;
  is_whole_scope: number;
  strategy: string;
  reason: string;
  server: string;
  company_count: number;
}

function snapshotOfRow(row: SnapshotRow): Snapshot {
  return {
    id: row.id,
    takenAt: row.taken_at,
    asOf: row.as_of,
    timeZone: row.time_zone,
    view: row.view,
    isWholeScope: row.is_whole_scope === 1,
    strategy: row.strategy,
    reason: row.reason,
    server: row.server,
    companyCount: row.company_count,
  };
}

function identityEntries(identity: HistoryIdentity): [string, string][] {
  return [
    ['format', String(FORMAT_VERSION)],
    ['baseUrl', identity.baseUrl],
    ['clientId', identity.clientId],
    ['companyId', identity.companyId ?? ''],
  ];
}

function describeIdentity(entries: ReadonlyMap<string, string>): string {
  const scope = entries.get('companyId') || 'the whole tree';
  return `${entries.get('baseUrl')} as client ${entries.get('clientId')}, scope ${scope}`;
}

/** SQLite's own words for a file that is not (or no longer) a database. */
function isDamage(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'));
}

function guarded<T>(path: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof HistoryError) throw error;
    if (isDamage(error)) {
      throw new HistoryError(`${path} is not a lapse history file or is damaged (${(error as Error).message})`, {
        cause: error,
      });
    }
    throw error;
  }
}

/** Creates the file owner-only (the history names every customer) before SQLite opens it. */
function createOwnerOnly(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  try {
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'EEXIST') throw error;
  }
}

export class HistoryStore {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #identity: HistoryIdentity;

  private constructor(path: string, db: Database.Database, identity: HistoryIdentity) {
    this.path = path;
    this.#db = db;
    this.#identity = identity;
  }

  /** Opens (creating when absent) the history of `identity`; a foreign, damaged or someone else's file is refused. */
  static open(path: string, identity: HistoryIdentity): HistoryStore {
    createOwnerOnly(path);
    const db = new Database(path);
    try {
      guarded(path, () => HistoryStore.#prepare(path, db, identity));
    } catch (error) {
      db.close();
      throw error;
    }
    return new HistoryStore(path, db, identity);
  }

  static #prepare(path: string, db: Database.Database, identity: HistoryIdentity): void {
    db.pragma('busy_timeout = 10000');
    // Read before anything is written: a file that is not ours must be left exactly as it was.
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const objectCount = (db.prepare('select count(*) as n from sqlite_master').get() as { n: number }).n;
    if (applicationId !== APPLICATION_ID && (applicationId !== 0 || objectCount > 0)) {
      throw new HistoryError(`${path} is not a lapse history file`);
    }
    if (applicationId === APPLICATION_ID) {
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version !== FORMAT_VERSION) {
        throw new HistoryError(`${path} is a lapse history of format ${version}; this lapse reads ${FORMAT_VERSION}`);
      }
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.transaction(() => {
      if ((db.pragma('application_id', { simple: true }) as number) === APPLICATION_ID) return;
      db.exec(SCHEMA);
      const insert = db.prepare('insert into store (key, value) values (?, ?)');
      for (const [key, value] of identityEntries(identity)) insert.run(key, value);
      db.pragma(`user_version = ${FORMAT_VERSION}`);
      db.pragma(`application_id = ${APPLICATION_ID}`);
    }).immediate();
    const stored = new Map(
      (db.prepare('select key, value from store').all() as { key: string; value: string }[]).map((row) => [
        row.key,
        row.value,
      ]),
    );
    const wanted = new Map(identityEntries(identity));
    if ([...wanted].some(([key, value]) => stored.get(key) !== value)) {
      throw new HistoryError(
        `${path} holds the history of ${describeIdentity(stored)}, not of ${describeIdentity(wanted)}; ` +
          'name another file with --history',
      );
    }
  }

  close(): void {
    this.#db.close();
  }

  /** Every snapshot, oldest first. */
  snapshots(): Snapshot[] {
    return guarded(this.path, () =>
      (this.#db.prepare('select * from snapshots order by id').all() as SnapshotRow[]).map(snapshotOfRow),
    );
  }

  /** The newest snapshot (by when it was recorded) whose as-of day is on or before `day`; any day when absent. */
  newestSnapshot(day?: CalendarDay): Snapshot | undefined {
    return guarded(this.path, () => {
      const row = (
        day === undefined
          ? this.#db.prepare('select * from snapshots order by id desc limit 1').get()
          : this.#db.prepare('select * from snapshots where as_of <= ? order by id desc limit 1').get(day)
      ) as SnapshotRow | undefined;
      return row === undefined ? undefined : snapshotOfRow(row);
    });
  }

  /** What the history knew of each company at a snapshot: its latest version recorded at or before it. */
  companiesAt(snapshotId: number): Map<string, CompanyFacts> {
    return guarded(this.path, () => {
      const rows = this.#db
        .prepare(
          `select ${VERSION_COLUMNS} from company_versions v join companies c on c.id = v.company_id
           where v.valid_from <= ? and (v.valid_to is null or v.valid_to > ?)`,
        )
        .raw()
        .iterate(snapshotId, snapshotId) as IterableIterator<VersionRow>;
      const companies = new Map<string, CompanyFacts>();
      for (const row of rows) companies.set(row[0], factsOfRow(row));
      return companies;
    });
  }

  /** Records one listing as a snapshot, in one transaction. */
  record(input: SnapshotInput): RecordedSnapshot {
    return guarded(this.path, () => this.#db.transaction(() => this.#record(input)).immediate());
  }

  #record(input: SnapshotInput): RecordedSnapshot {
    const db = this.#db;
    const snapshotId = Number(
      db
        .prepare(
          `insert into snapshots (taken_at, as_of, time_zone, view, is_whole_scope, strategy, reason, server, company_count)
           values (?, ?, ?, ?, ?, ?, ?, ?, 0)`,
        )
        .run(
          input.takenAt,
          input.asOf,
          input.timeZone,
          input.view,
          input.isWholeScope ? 1 : 0,
          input.strategy,
          input.reason,
          this.#identity.baseUrl,
        ).lastInsertRowid,
    );
    const current = new Map<string, { companyId: number; facts: CompanyFacts }>();
    const rows = db
      .prepare(
        `select ${VERSION_COLUMNS}, v.company_id from company_versions v join companies c on c.id = v.company_id
         where v.valid_to is null`,
      )
      .raw()
      .iterate() as IterableIterator<[...VersionRow, number]>;
    for (const row of rows) current.set(row[0], { companyId: row[7], facts: factsOfRow(row as unknown as VersionRow) });

    const knownIds = new Map(
      (db.prepare('select resource_id, id from companies').raw().all() as [string, number][]).map(([r, id]) => [r, id]),
    );
    const insertCompany = db.prepare('insert into companies (resource_id) values (?)');
    const close = db.prepare('update company_versions set valid_to = ? where company_id = ? and valid_to is null');
    const open = db.prepare(
      `insert into company_versions
         (company_id, valid_from, valid_to, name, reseller, licence_type, renewal_day, user_limit, target_users)
       values (?, ?, null, ?, ?, ?, ?, ?, ?)`,
    );
    const seen = new Set<string>();
    let added = 0;
    let changed = 0;
    for (const facts of input.companies) {
      if (seen.has(facts.companyResourceId)) continue;
      seen.add(facts.companyResourceId);
      const before = current.get(facts.companyResourceId);
      if (before !== undefined && isSameFacts(before.facts, facts)) continue;
      let companyId = before?.companyId ?? knownIds.get(facts.companyResourceId);
      if (companyId === undefined) companyId = Number(insertCompany.run(facts.companyResourceId).lastInsertRowid);
      if (before === undefined) added++;
      else {
        changed++;
        close.run(snapshotId, companyId);
      }
      open.run(
        companyId,
        snapshotId,
        facts.companyName,
        facts.resellerName,
        facts.licenceType,
        facts.renewalDay,
        facts.userLimit,
        facts.targetUserCount,
      );
    }
    let removed = 0;
    if (input.isWholeScope) {
      for (const [resourceId, { companyId }] of current) {
        if (seen.has(resourceId)) continue;
        close.run(snapshotId, companyId);
        removed++;
      }
    }
    db.prepare('update snapshots set company_count = ? where id = ?').run(seen.size, snapshotId);
    const row = db.prepare('select * from snapshots where id = ?').get(snapshotId) as SnapshotRow;
    return { ...snapshotOfRow(row), added, changed, removed };
  }
}
