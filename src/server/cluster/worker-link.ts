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
  /** Calls `listener` each time the primary's count of listening workers comes back up to all of them. */
  onEveryWorkerListening(listener: () => void): void;
  /** Resolves once the primary has prepared what the workers share (shared-state.ts): then the database may open. */
  sharedState(): Promise<void>;
  /** Tells the primary why this worker cannot start; resolves once the message is on its way. */
  reportStartFailure(message: string, exitCode: number): Promise<void>;
}

export function linkToPrimary(wanted: number): PrimaryLink {
  // Undefined until the primary first counts: the last worker to start is first told that all listen, and closes
  // none of its connections.
  let latest: WorkerCounts | undefined;
  const everyWorkerListening: (() => void)[] = [];
  process.on('message', (message: unknown) => {
    if (!isCountsMessage(message)) return;
    const wasShort = latest !== undefined && latest.ready < latest.wanted;
    latest = { ready: message.ready, wanted: message.wanted };
    if (wasShort && latest.ready >= latest.wanted) for (const listener of everyWorkerListening) listener();
  });
  return {
    counts: () => ({ ready: Math.max(1, latest?.ready ?? 1), wanted: latest?.wanted ?? wanted }),
    onEveryWorkerListening: (listener) => everyWorkerListening.push(listener),
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
