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
  type UiRefusal,
  UiRefusalSchema,
} from '../contract/index.js';
import {
  CHANGE_KINDS,
  type CompanyChange,
  type CompanyFacts,
  type History,
  HistoryError,
  type Snapshot,
} from '../history/index.js';
import { parseDayChoice } from './company-query.js';
import { lifecycleOf, type Portfolio } from './portfolio.js';

export interface HistoryRoutesOptions {
  client: LapseClient;
  portfolio: Portfolio;
  /** Opens the history `lapse ui` was pointed at (--history, LAPSE_HISTORY, else the default file). */
  openHistory?: (() => History) | undefined;
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

function countsOf(changes: readonly CompanyChange[]): DashboardChanges['counts'] {
  return CHANGE_KINDS.map((kind) => ({ kind, count: changes.filter((change) => change.kind === kind).length }));
}

export async function historyRoutes(app: FastifyInstance, options: HistoryRoutesOptions): Promise<void> {
  const { client, portfolio } = options;
  // Opened on first use and kept: `lapse snapshot` may write to it meanwhile (SQLite WAL), and the next
  // request reads what it wrote.
  let history: History | undefined;
  const historyOf = () => {
    if (options.openHistory === undefined) throw new HistoryError('lapse ui was started without a history');
    history ??= options.openHistory();
    return history;
  };
  app.addHook('onClose', async () => history?.close());

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
      const report = await opened.changes(client, { since, ...day, withinDays, record: false });
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
      if (request.headers.origin !== options.originOf(request)) {
        const refusal: UiRefusal = { error: 'cross-origin request' };
        return reply.code(403).send(refusal);
      }
      const day = portfolio.resolveDay(parseDayChoice(request.query));
      const recorded = await historyOf().snapshot(client, day);
      return { ...snapshotInfo(recorded), added: recorded.added, changed: recorded.changed, removed: recorded.removed };
    },
  );
}
