// The history file: an SQLite database of snapshots and of company versions that hold from one snapshot to the
// one that changed them (valid_from inclusive, valid_to exclusive), so it grows by changes, not by copies. Each
// snapshot is one transaction: a process killed while recording leaves the store as it was before.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { CalendarDay } from '../contract/index.js';
import type { CompanyFacts } from './company-facts.js';
import { HistoryError } from './history-error.js';

/** "laps": marks the file as lapse's, so a foreign SQLite file is refused rather than written to. */
const APPLICATION_ID = 0x6c617073;
/** 1: snapshots and company versions; 2: acknowledgements. Older files are brought up to date when opened. */
const FORMAT_VERSION = 2;

export interface HistoryIdentity {
  baseUrl: string;
  clientId: string;
  /** The scoping company (contract §3); undefined for the credential's whole tree. */
  companyId: string | undefined;
}

/** What a snapshot says of the listing it kept. */
export interface SnapshotDescription {
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
}

export interface SnapshotInput extends SnapshotDescription {
  companies: Iterable<CompanyFacts>;
}

export interface Snapshot extends SnapshotDescription {
  id: number;
  server: string;
  companyCount: number;
}

export interface RecordedSnapshot extends Snapshot {
  /** Company versions written: new companies, changed ones and (whole scope) companies gone. */
  added: number;
  changed: number;
  removed: number;
}

// The current version of every company known lives in `current_companies`; a version a later snapshot replaced
// or found gone moves to `company_versions` with the snapshot ids it held between. Facts are one JSON array, so a
// listing is compared with the store one text per company.
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
  create table current_companies (
    resource_id text primary key,
    valid_from integer not null references snapshots (id),
    facts text not null
  ) strict, without rowid;
  create table company_versions (
    resource_id text not null,
    valid_from integer not null references snapshots (id),
    valid_to integer not null references snapshots (id),
    facts text not null,
    primary key (resource_id, valid_from)
  ) strict, without rowid;
`;

// Format 2. Every acknowledgement is kept, a replaced or removed one with when it stopped, so who silenced a
// company, when and why stays in the history. `renewal_day` is the company's when acknowledged: an
// acknowledgement without an end holds while the renewal day stays that one.
const ACKNOWLEDGEMENTS_SCHEMA = `
  create table acknowledgements (
    id integer primary key,
    resource_id text not null,
    until text,
    note text,
    acknowledged_by text not null,
    acknowledged_at text not null,
    renewal_day text,
    ended_at text
  ) strict;
  create index acknowledgements_in_force on acknowledgements (resource_id) where ended_at is null;
`;

/** What each format adds to the one before: index 0 creates format 1. */
const UPGRADES: readonly string[] = [SCHEMA, ACKNOWLEDGEMENTS_SCHEMA];

/** A company's notices silenced: until a day (inclusive), or (null) while its renewal date stays as it was. */
export interface Acknowledgement {
  companyId: string;
  until: CalendarDay | null;
  note: string | null;
  /** Who acknowledged it: the OS user and the credential's client id. */
  by: string;
  /** When (ISO-8601). */
  at: string;
}

export interface AcknowledgementInput extends Acknowledgement {
  /** The company's renewal day when acknowledged (null: open-ended): an acknowledgement without `until` ends when it moves. */
  renewalDay: CalendarDay | null;
}

interface AcknowledgementRow {
  resource_id: string;
  until: string | null;
  note: string | null;
  acknowledged_by: string;
  acknowledged_at: string;
  renewal_day: string | null;
}

const acknowledgementOfRow = (row: AcknowledgementRow): Acknowledgement => ({
  companyId: row.resource_id,
  until: row.until,
  note: row.note,
  by: row.acknowledged_by,
  at: row.acknowledged_at,
});

// A run compares a listing's facts with the store and then records them: each text is built once.
const factsTexts = new WeakMap<CompanyFacts, string>();

/** A company's facts as the store keeps them: equal facts, equal text. */
function factsText(facts: CompanyFacts): string {
  let text = factsTexts.get(facts);
  if (text === undefined) {
    text = factsTextOf(facts);
    factsTexts.set(facts, text);
  }
  return text;
}

function factsTextOf(facts: CompanyFacts): string {
  return JSON.stringify([
    facts.companyName,
    facts.resellerName,
    facts.licenceType,
    facts.renewalDay,
    facts.userLimit,
    facts.targetUserCount,
  ]);
}

function factsOfText(resourceId: string, text: string): CompanyFacts {
  const [companyName, resellerName, licenceType, renewalDay, userLimit, targetUserCount] = JSON.parse(text);
  return {
    companyResourceId: resourceId,
    companyName,
    resellerName,
    licenceType,
    renewalDay,
    userLimit,
    targetUserCount,
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

// Beside the identity in the `store` table; a target is kept by its hash, since a webhook URL may hold a secret.
const digestKey = (target: string) => `digest ${createHash('sha256').update(target).digest('hex')}`;

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
      if (version < 1 || version > FORMAT_VERSION) {
        throw new HistoryError(
          `${path} is a lapse history of format ${version}; this lapse reads 1 to ${FORMAT_VERSION}`,
        );
      }
    }
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    // Creating and upgrading are one transaction, read again under the write lock: two runs opening the same
    // file at once upgrade it once, and a run killed half-way leaves the format it found.
    db.transaction(() => {
      const isNew = (db.pragma('application_id', { simple: true }) as number) !== APPLICATION_ID;
      const version = isNew ? 0 : (db.pragma('user_version', { simple: true }) as number);
      if (version === FORMAT_VERSION) return;
      for (const step of UPGRADES.slice(version)) db.exec(step);
      if (isNew) {
        const insert = db.prepare('insert into store (key, value) values (?, ?)');
        for (const [key, value] of identityEntries(identity)) insert.run(key, value);
        db.pragma(`application_id = ${APPLICATION_ID}`);
      }
      db.prepare("update store set value = ? where key = 'format'").run(String(FORMAT_VERSION));
      db.pragma(`user_version = ${FORMAT_VERSION}`);
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

  /** The snapshot `id`, when the history holds it. */
  snapshotById(id: number): Snapshot | undefined {
    return guarded(this.path, () => {
      const row = this.#db.prepare('select * from snapshots where id = ?').get(id) as SnapshotRow | undefined;
      return row === undefined ? undefined : snapshotOfRow(row);
    });
  }

  /** The snapshot the last digest delivered to `target` reached, if one was delivered. */
  digestSentUpTo(target: string): number | undefined {
    return guarded(this.path, () => {
      const value = this.#db.prepare('select value from store where key = ?').pluck().get(digestKey(target));
      return typeof value === 'string' ? Number(value) : undefined;
    });
  }

  /** Notes that a digest up to `snapshotId` reached `target`. */
  markDigestSent(target: string, snapshotId: number): void {
    guarded(this.path, () =>
      this.#db
        .prepare('insert into store (key, value) values (?, ?) on conflict (key) do update set value = excluded.value')
        .run(digestKey(target), String(snapshotId)),
    );
  }

  /** Silences `input.companyId`'s notices, ending the acknowledgement it had (kept, with when it ended). */
  acknowledge(input: AcknowledgementInput): Acknowledgement {
    return guarded(this.path, () =>
      this.#db
        .transaction(() => {
          this.#endAcknowledgement(input.companyId, input.at);
          this.#db
            .prepare(
              `insert into acknowledgements (resource_id, until, note, acknowledged_by, acknowledged_at, renewal_day)
               values (?, ?, ?, ?, ?, ?)`,
            )
            .run(input.companyId, input.until, input.note, input.by, input.at, input.renewalDay);
          const { renewalDay: _, ...acknowledgement } = input;
          return acknowledgement;
        })
        .immediate(),
    );
  }

  /** Ends the company's acknowledgement (kept in the history); false when it had none. */
  removeAcknowledgement(companyId: string, at = new Date().toISOString()): boolean {
    return guarded(this.path, () => this.#endAcknowledgement(companyId, at));
  }

  #endAcknowledgement(companyId: string, at: string): boolean {
    return (
      this.#db
        .prepare('update acknowledgements set ended_at = ? where resource_id = ? and ended_at is null')
        .run(at, companyId).changes > 0
    );
  }

  /**
   * The acknowledgements that silence a company on `day`, by company: those with an end on or after it, and those
   * without one whose company still has the renewal day it had when acknowledged (by `current`, this run's
   * listing, else the newest facts recorded; a company the history does not know keeps its acknowledgement).
   */
  activeAcknowledgements(day: CalendarDay, current?: ReadonlyMap<string, CompanyFacts>): Map<string, Acknowledgement> {
    return guarded(this.path, () => {
      const rows = this.#db
        .prepare('select * from acknowledgements where ended_at is null and (until is null or until >= ?) order by id')
        .all(day) as AcknowledgementRow[];
      const recorded = this.#db.prepare('select facts from current_companies where resource_id = ?').pluck();
      const renewalDayNow = (resourceId: string): CalendarDay | null | undefined => {
        const listed = current?.get(resourceId);
        if (listed !== undefined) return listed.renewalDay;
        const text = recorded.get(resourceId) as string | undefined;
        return text === undefined ? undefined : factsOfText(resourceId, text).renewalDay;
      };
      const active = new Map<string, Acknowledgement>();
      for (const row of rows) {
        const now = row.until === null ? renewalDayNow(row.resource_id) : undefined;
        if (now === undefined || now === row.renewal_day) active.set(row.resource_id, acknowledgementOfRow(row));
      }
      return active;
    });
  }

  /**
   * What the history knew of each company at a snapshot: its latest version recorded at or before it. Where a
   * company's facts equal those in `known` (this run's listing), that very object is used rather than a parse.
   */
  companiesAt(snapshotId: number, known?: ReadonlyMap<string, CompanyFacts>): Map<string, CompanyFacts> {
    return guarded(this.path, () => {
      const newest = this.#db.prepare('select max(id) from snapshots').pluck().get();
      // At the newest snapshot every current version holds and no replaced one does: one table to read.
      const rows = (
        snapshotId === newest
          ? this.#db.prepare('select resource_id, facts from current_companies').raw().iterate()
          : this.#db
              .prepare(
                `select resource_id, facts from current_companies where valid_from <= @snapshot
                 union all
                 select resource_id, facts from company_versions where valid_from <= @snapshot and valid_to > @snapshot`,
              )
              .raw()
              .iterate({ snapshot: snapshotId })
      ) as IterableIterator<[string, string]>;
      const companies = new Map<string, CompanyFacts>();
      for (const [resourceId, text] of rows) {
        const same = known?.get(resourceId);
        companies.set(
          resourceId,
          same !== undefined && factsText(same) === text ? same : factsOfText(resourceId, text),
        );
      }
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
    const current = new Map<string, [validFrom: number, facts: string]>();
    if (input.isWholeScope) {
      const rows = db.prepare('select resource_id, valid_from, facts from current_companies').raw().iterate();
      for (const [resourceId, validFrom, facts] of rows as IterableIterator<[string, number, string]>) {
        current.set(resourceId, [validFrom, facts]);
      }
    }
    // A filtered listing holds a fraction of the scope: its own rows are looked up one by one.
    const lookUp = db.prepare('select valid_from, facts from current_companies where resource_id = ?').raw();
    const currentOf = (resourceId: string): [number, string] | undefined =>
      input.isWholeScope ? current.get(resourceId) : (lookUp.get(resourceId) as [number, string] | undefined);
    const retire = db.prepare(
      'insert into company_versions (resource_id, valid_from, valid_to, facts) values (?, ?, ?, ?)',
    );
    const replace = db.prepare(
      'insert or replace into current_companies (resource_id, valid_from, facts) values (?, ?, ?)',
    );
    const seen = new Set<string>();
    let added = 0;
    let changed = 0;
    for (const facts of input.companies) {
      const resourceId = facts.companyResourceId;
      if (seen.has(resourceId)) continue;
      seen.add(resourceId);
      // Not through the cache: a snapshot reads each text once, and a cache of every company costs the collector more.
      const text = factsTextOf(facts);
      const before = currentOf(resourceId);
      if (before !== undefined && before[1] === text) continue;
      if (before === undefined) added++;
      else {
        changed++;
        retire.run(resourceId, before[0], snapshotId, before[1]);
      }
      replace.run(resourceId, snapshotId, text);
    }
    let removed = 0;
    if (input.isWholeScope) {
      const forget = db.prepare('delete from current_companies where resource_id = ?');
      for (const [resourceId, [validFrom, text]] of current) {
        if (seen.has(resourceId)) continue;
        retire.run(resourceId, validFrom, snapshotId, text);
        forget.run(resourceId);
        removed++;
      }
    }
    db.prepare('update snapshots set company_count = ? where id = ?').run(seen.size, snapshotId);
    const row = db.prepare('select * from snapshots where id = ?').get(snapshotId) as SnapshotRow;
    return { ...snapshotOfRow(row), added, changed, removed };
  }
}
