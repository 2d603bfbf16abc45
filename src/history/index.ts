// The history of a scope (`lapse/history`): snapshots of listings kept in a local SQLite file, and what changed
// since one of them. Apart from the client so that the SDK itself needs no native module.

import { createHash } from 'node:crypto';
import type { LapseClient } from '../client/index.js';
import { type CalendarDay, type LifecyclePolicy, resolveAsOf, type SearchCompanyDto } from '../contract/index.js';
import { type CompanyChange, compareListings, sortChanges } from './changes.js';
import { type CompanyFacts, factsOf } from './company-facts.js';
import { HistoryError } from './history-error.js';
import { canonicalBaseUrl, type DataDirectoryEnvironment, defaultHistoryPath } from './history-location.js';
import {
  type Acknowledgement,
  type AcknowledgementInput,
  type HistoryIdentity,
  HistoryStore,
  type RecordedSnapshot,
  type Snapshot,
} from './history-store.js';
import { parseSince, sinceDay } from './since.js';

export { CHANGE_KINDS, type ChangeKind, type CompanyChange, compareListings, sortChanges } from './changes.js';
export { type CompanyFacts, factsOf, isFactOverLimit } from './company-facts.js';
export { HistoryError } from './history-error.js';
export { canonicalBaseUrl, type DataDirectoryEnvironment, defaultHistoryPath } from './history-location.js';
export {
  type Acknowledgement,
  type AcknowledgementInput,
  type HistoryIdentity,
  HistoryStore,
  type RecordedSnapshot,
  type Snapshot,
  type SnapshotInput,
} from './history-store.js';
export { parseSince, type SinceChoice } from './since.js';

export interface OpenHistoryOptions extends HistoryIdentity {
  /** The history file; default: one per base URL + client id + scope under $XDG_DATA_HOME/lapse. */
  path?: string | undefined;
  /** Where the default path is looked for (XDG_DATA_HOME, HOME); default: process.env. */
  environment?: DataDirectoryEnvironment;
  /** The clock (epoch ms): decides "today" when no as-of day is given, and when snapshots are taken. */
  now?: () => number;
}

export interface ScopeOptions {
  /** The day D (default: today in `timeZone` by the clock). */
  asOf?: CalendarDay | undefined;
  timeZone?: string | undefined;
  pageSize?: number | undefined;
}

export interface ChangesOptions extends ScopeOptions {
  /** `last`, a number of days back (`7d`) or a `YYYY-MM-DD` day. */
  since: string;
  /** The renewal window for `newly-renewing` (default 30). */
  withinDays?: number;
  /** Record this run's listing as a snapshot (default true). */
  record?: boolean;
  /** Compare with this snapshot instead of the one `since` names (a digest's last delivered one). */
  sinceSnapshotId?: number | undefined;
  /** Report `entered-lead-window` by this policy's lead days (a digest's notices); none without one. */
  policy?: LifecyclePolicy | undefined;
  /**
   * Keep acknowledged companies' changes in `changes` (`lapse changes` marks them); by default they are moved
   * to `silenced`, as a digest leaves them out.
   */
  includeAcknowledged?: boolean;
}

/** A listing to keep: its rows, its day and how it was found. */
export interface RecordableListing {
  companies: readonly SearchCompanyDto[];
  asOf: CalendarDay;
  timeZone: string;
  strategy: { name: string; reason: string };
}

export interface ChangeReport {
  /** The snapshot compared with. */
  since: Snapshot;
  asOf: CalendarDay;
  timeZone: string;
  withinDays: number;
  companyCount: number;
  /** This run's snapshot, when recorded. */
  recorded: RecordedSnapshot | undefined;
  changes: CompanyChange[];
  /** Changes of acknowledged companies left out of `changes` (empty with `includeAcknowledged`). */
  silenced: CompanyChange[];
  /** The acknowledgements in force on the as-of day, by company. */
  acknowledgements: ReadonlyMap<string, Acknowledgement>;
  /**
   * Names what is reported: the history, the snapshot compared with and the changes. A report made again with
   * nothing new (a digest sent once more after a run was killed) has the same id, so a receiver can drop it.
   */
  digestId: string;
  warnings: string[];
}

export interface History {
  readonly path: string;
  snapshots(): Snapshot[];
  /** Keeps a listing's rows; `view` names it, and only a whole-scope listing records companies gone. */
  recordListing(listing: RecordableListing, view: string, isWholeScope: boolean): RecordedSnapshot;
  /** Lists every company of the scope (one listing) and records it. */
  snapshot(client: LapseClient, options?: ScopeOptions): Promise<RecordedSnapshot & { warnings: string[] }>;
  /** Lists the scope now and compares it with the snapshot `since` names. */
  changes(client: LapseClient, options: ChangesOptions): Promise<ChangeReport>;
  /** The changes with one reseller's first, then the next (by reseller name). */
  groupByReseller(changes: CompanyChange[]): CompanyChange[];
  /** The snapshot the last digest delivered to `target` (a webhook URL, an address) reached. */
  digestSentUpTo(target: string): number | undefined;
  /** Called only once a digest was delivered: the next one starts from `snapshotId`. */
  markDigestSent(target: string, snapshotId: number): void;
  /** Silences a company's notices (see Acknowledgement); replaces the one it had. */
  acknowledge(input: AcknowledgementInput): Acknowledgement;
  /** Ends a company's acknowledgement; false when it had none. */
  removeAcknowledgement(companyId: string): boolean;
  /** The acknowledgements in force on `day`, by company. */
  activeAcknowledgements(day: CalendarDay): Map<string, Acknowledgement>;
  /** What the history last recorded of each company of the scope. */
  currentCompanies(): Map<string, CompanyFacts>;
  close(): void;
}

export const SCOPE_VIEW = 'scope';
const SCOPE_STRATEGY = { name: 'scope', reason: 'every company of the scope, every page of the search' };

interface ScopeListing {
  asOf: CalendarDay;
  timeZone: string;
  companies: Map<string, CompanyFacts>;
  warnings: string[];
}

async function listScope(client: LapseClient, options: ScopeOptions, now: () => number): Promise<ScopeListing> {
  const { asOf, timeZone } = resolveAsOf({ asOf: options.asOf, timeZone: options.timeZone }, now);
  const warnings: string[] = [];
  const companies = new Map<string, CompanyFacts>();
  const body = options.pageSize === undefined ? {} : { pageSize: options.pageSize };
  for await (const company of client.companies.iterate(body, { warn: (message) => warnings.push(message) })) {
    companies.set(company.companyResourceId, factsOf(company));
  }
  return { asOf, timeZone, companies, warnings };
}

function digestIdOf(identity: HistoryIdentity, since: Snapshot, changes: readonly CompanyChange[]): string {
  const hash = createHash('sha256').update(
    JSON.stringify([identity.baseUrl, identity.clientId, identity.companyId ?? '', since.id]),
  );
  // A change at a time: a year's comparison may hold a change for every company.
  for (const change of changes) {
    hash.update(
      JSON.stringify([change.kind, change.companyResourceId, change.before, change.after, change.leadWindow]),
    );
  }
  return hash.digest('hex').slice(0, 32);
}

export function openHistory(options: OpenHistoryOptions): History {
  const identity: HistoryIdentity = {
    baseUrl: canonicalBaseUrl(options.baseUrl),
    clientId: options.clientId,
    companyId: options.companyId || undefined,
  };
  const path = options.path ?? defaultHistoryPath(identity, options.environment ?? process.env);
  const now = options.now ?? Date.now;
  const store = HistoryStore.open(path, identity);
  const takenAt = () => new Date(now()).toISOString();
  const recordScope = (listed: ScopeListing) =>
    store.record({
      takenAt: takenAt(),
      asOf: listed.asOf,
      timeZone: listed.timeZone,
      view: SCOPE_VIEW,
      isWholeScope: true,
      strategy: SCOPE_STRATEGY.name,
      reason: SCOPE_STRATEGY.reason,
      companies: listed.companies.values(),
    });
  return {
    path,
    snapshots: () => store.snapshots(),
    recordListing(listing, view, isWholeScope) {
      return store.record({
        takenAt: takenAt(),
        asOf: listing.asOf,
        timeZone: listing.timeZone,
        view,
        isWholeScope,
        strategy: listing.strategy.name,
        reason: listing.strategy.reason,
        companies: listing.companies.map(factsOf),
      });
    },
    async snapshot(client, scope = {}) {
      const listed = await listScope(client, scope, now);
      return { ...recordScope(listed), warnings: listed.warnings };
    },
    async changes(client, changeOptions) {
      const since = parseSince(changeOptions.since);
      const withinDays = changeOptions.withinDays ?? 30;
      const listed = await listScope(client, changeOptions, now);
      const day = sinceDay(since, listed.asOf);
      // Chosen before this run's listing is recorded: "last" is the newest snapshot before this run.
      const sinceSnapshot =
        changeOptions.sinceSnapshotId === undefined
          ? store.newestSnapshot(day)
          : store.snapshotById(changeOptions.sinceSnapshotId);
      const then = sinceSnapshot === undefined ? undefined : store.companiesAt(sinceSnapshot.id, listed.companies);
      const recorded = changeOptions.record === false ? undefined : recordScope(listed);
      if (sinceSnapshot === undefined || then === undefined) {
        const kept = recorded === undefined ? '' : ` (this listing is recorded as snapshot ${recorded.id})`;
        throw new HistoryError(
          `no snapshot ${day === undefined ? 'yet' : `on or before ${day}`} in ${path} to compare with${kept}`,
        );
      }
      const compared = compareListings(
        { asOf: sinceSnapshot.asOf, companies: then },
        { asOf: listed.asOf, companies: listed.companies },
        { withinDays, policy: changeOptions.policy },
      );
      const acknowledgements = store.activeAcknowledgements(listed.asOf, listed.companies);
      const isSilenced = (change: CompanyChange) =>
        !changeOptions.includeAcknowledged && acknowledgements.has(change.companyResourceId);
      const changes = compared.filter((change) => !isSilenced(change));
      return {
        since: sinceSnapshot,
        asOf: listed.asOf,
        timeZone: listed.timeZone,
        withinDays,
        companyCount: listed.companies.size,
        recorded,
        changes,
        silenced: compared.filter(isSilenced),
        acknowledgements,
        digestId: digestIdOf(identity, sinceSnapshot, changes),
        warnings: listed.warnings,
      };
    },
    groupByReseller: (changes) => sortChanges(changes, true),
    digestSentUpTo: (target) => store.digestSentUpTo(target),
    markDigestSent: (target, snapshotId) => store.markDigestSent(target, snapshotId),
    acknowledge: (input) => store.acknowledge(input),
    removeAcknowledgement: (companyId) => store.removeAcknowledgement(companyId, takenAt()),
    activeAcknowledgements: (day) => store.activeAcknowledgements(day),
    currentCompanies: () => store.companiesAt(store.newestSnapshot()?.id ?? 0),
    close: () => store.close(),
  };
}
