// The Changes view's routes: what changed since a snapshot of the local history (`lapse changes`, without
// recording), and the "Record snapshot" button (`lapse snapshot`). Opening the view records nothing.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LapseClient } from '../client/index.js';
import {
  type ChangeRow,
  type ChangesQueryString,
  ChangesQueryStringSchema,
  type DashboardChanges,
  DashboardChangesSchema,
  RecordedSnapshotSchema,
  type SnapshotInfo,
  type SnapshotQueryString,
  SnapshotQueryStringSchema,
  UiErrorSchema,
  UiRefusalSchema,
} from '../contract/index.js';
import {
  type Acknowledgement,
  CHANGE_KINDS,
  type CompanyChange,
  type CompanyFacts,
  type Snapshot,
} from '../history/index.js';
import { parseDayChoice } from './company-query.js';
import type { HistoryAccess } from './history-access.js';
import { lifecycleOf, type Portfolio } from './portfolio.js';
import { refuseForeignOrigin } from './request-guards.js';

export interface HistoryRoutesOptions {
  client: LapseClient;
  portfolio: Portfolio;
  /** The history `lapse ui` was pointed at (--history, LAPSE_HISTORY, else the default file). */
  history: HistoryAccess;
  originOf(request: FastifyRequest): string;
}

const failures = { '4xx': UiErrorSchema, '5xx': UiErrorSchema };

const snapshotInfo = ({ id, takenAt, asOf, timeZone, view, companyCount }: Snapshot): SnapshotInfo => ({
  id,
  takenAt,
  asOf,
  timeZone,
  view,
  companyCount,
});

const factsInfo = (facts: CompanyFacts | null) =>
  facts === null
    ? null
    : {
        renewalDay: facts.renewalDay,
        licenceType: facts.licenceType,
        userLimit: facts.userLimit,
        targetUserCount: facts.targetUserCount,
      };

const markOf = (found: Acknowledgement | undefined) =>
  found === undefined ? null : { until: found.until, note: found.note, by: found.by, at: found.at };

function countsOf(changes: readonly CompanyChange[]): DashboardChanges['counts'] {
  return CHANGE_KINDS.map((kind) => ({ kind, count: changes.filter((change) => change.kind === kind).length }));
}

export async function historyRoutes(app: FastifyInstance, options: HistoryRoutesOptions): Promise<void> {
  const { client, portfolio } = options;
  const historyOf = () => options.history.open();

  app.get<{ Querystring: ChangesQueryString }>(
    '/ui-api/changes',
    { schema: { querystring: ChangesQueryStringSchema, response: { 200: DashboardChangesSchema, ...failures } } },
    async (request): Promise<DashboardChanges> => {
      const opened = historyOf();
      const day = portfolio.resolveDay(parseDayChoice(request.query));
      const withinDays = request.query.within ?? 30;
      const snapshotCount = opened.snapshots().length;
      const base = { historyPath: opened.path, snapshotCount, ...day, withinDays };
      if (snapshotCount === 0) {
        return { ...base, since: null, companyCount: 0, counts: countsOf([]), changes: [], warnings: [] };
      }
      const since = request.query.since ?? 'last';
      // Every change is listed, an acknowledged company's too, with its mark: silencing is for the digests.
      const report = await opened.changes(client, {
        since,
        ...day,
        withinDays,
        record: false,
        includeAcknowledged: true,
      });
      const changes = report.changes.map(
        (change): ChangeRow => ({
          kind: change.kind,
          companyResourceId: change.companyResourceId,
          companyName: change.companyName,
          resellerName: change.resellerName,
          before: factsInfo(change.before),
          after: factsInfo(change.after),
          renewedByDays: change.renewedByDays,
          lifecycle:
            change.after === null
              ? null
              : lifecycleOf(change.after.renewalDay, change.after.licenceType, report.asOf, portfolio.policy),
          acknowledgement: markOf(report.acknowledgements.get(change.companyResourceId)),
        }),
      );
      return {
        ...base,
        since: snapshotInfo(report.since),
        companyCount: report.companyCount,
        counts: countsOf(report.changes),
        changes,
        warnings: report.warnings,
      };
    },
  );

  app.post<{ Querystring: SnapshotQueryString }>(
    '/ui-api/snapshot',
    {
      schema: {
        querystring: SnapshotQueryStringSchema,
        response: { 200: RecordedSnapshotSchema, 403: UiRefusalSchema, ...failures },
      },
    },
    async (request, reply) => {
      // A write to the history: as with the other writes, only this page's own origin may ask for it.
      if (refuseForeignOrigin(request, reply, options.originOf(request))) return reply;
      const day = portfolio.resolveDay(parseDayChoice(request.query));
      const recorded = await historyOf().snapshot(client, day);
      return { ...snapshotInfo(recorded), added: recorded.added, changed: recorded.changed, removed: recorded.removed };
    },
  );
}
