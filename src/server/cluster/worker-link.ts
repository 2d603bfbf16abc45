// A worker's side of the cluster: the counts the primary sends (for /readyz) and its report of a failed start.
import {
  isCountsMessage,
  isSharedStateMessage,
  type SharedStateQuestion,
  type StartFailedMessage,
  type WorkerCounts,
} from './messages.js';

export interface PrimaryLink {
  /** The workers as the primary last counted them; this one counts as ready while it answers. */
  counts(): WorkerCounts;
  /** Resolves once the primary has prepared what the workers share (shared-state.ts): then the database may open. */
  sharedState(): Promise<void>;
  /** Tells the primary why this worker cannot start; resolves once the message is on its way. */
  reportStartFailure(message: string, exitCode: number): Promise<void>;
}

export function linkToPrimary(wanted: number): PrimaryLink {
  let latest: WorkerCounts = { ready: 1, wanted };
  process.on('message', (message: unknown) => {
    if (isCountsMessage(message)) latest = { ready: message.ready, wanted: message.wanted };
  });
  return {
    counts: () => ({ ready: Math.max(1, latest.ready), wanted: latest.wanted }),
    sharedState: () =>
      new Promise((resolve) => {
        const onMessage = (message: unknown) => {
          if (!isSharedStateMessage(message)) return;
          process.off('message', onMessage);
          resolve();
        };
        process.on('message', onMessage);
        const question: SharedStateQuestion = { lapse: 'shared-state?' };
        process.send?.(question);
      }),
    reportStartFailure(message, exitCode) {
      const report: StartFailedMessage = { lapse: 'start-failed', message, exitCode };
      return new Promise((resolve) => {
        if (process.send) process.send(report, undefined, {}, () => resolve());
        else resolve();
      });
    },
  };
}
