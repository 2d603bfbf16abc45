// The primary of `lapse serve --workers N`: it forks the workers (which share one listening port through
// node:cluster; the first alone, the others once it listens), holds the rate-limit buckets they share, tells them
// how many of them are up (for /readyz), starts a worker again when one dies (later each time while they die
// young), and drains them all on stop.
import cluster, { type Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { answerBucketRequests, createMemoryRateLimitStore, type MessageChannel } from '../rate-limit/index.js';
import {
  type CountsMessage,
  isSharedStateQuestion,
  isStartFailedMessage,
  type SharedStateMessage,
  type StartFailedMessage,
} from './messages.js';
import { type BackoffOptions, createRestartBackoff } from './restart-backoff.js';

export interface PrimaryOptions {
  workers: number;
  /**
   * What the workers share, being prepared (prepareSharedState) while the first worker loads; each worker opens
   * the database once it is there. When it fails, the workers are stopped and `finished` rejects with its error.
   */
  sharedState: Promise<void>;
  /** How long a stopped worker may take to finish its requests before it is killed. */
  shutdownGraceMs: number;
  /** The first worker listens, at `address` (`http://host:port`). */
  onListening(address: string): void;
  /** Something the operator should know: a worker exited, or a replacement is on its way. */
  onEvent(message: string, details: Record<string, unknown>): void;
  backoff?: BackoffOptions;
}

/** The first workers could not start: what one of them said, and the exit code it chose. */
export class WorkerStartError extends Error {
  override name = 'WorkerStartError';
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

export interface Primary {
  /**
   * Settles once every worker has exited after `stop`: 0 when all drained and exited cleanly, 1 otherwise.
   * Rejects with a WorkerStartError when the server could not start at all, or with the shared state's error.
   */
  finished: Promise<number>;
  /** Stops restarting and asks every worker to finish its requests and exit (SIGTERM). */
  stop(): void;
}

interface RunningWorker {
  worker: Worker;
  startedAt: number;
  /** Why it could not start, when it said so before exiting. */
  failure?: StartFailedMessage;
}

/** A little longer than a worker's own grace period, which ends in its own exit. */
const KILL_AFTER_GRACE_MS = 2_000;

function channelOf(worker: Worker): MessageChannel {
  return {
    send: (message) => {
      // A worker on its way out may still look connected: a message it misses is no error (its exit is handled).
      if (worker.isConnected()) worker.send(message as object, () => {});
    },
    onMessage: (listener) => worker.on('message', listener),
    onClose: (listener) => worker.once('disconnect', listener),
  };
}

/** What a worker's 'listening' event carries, as the URL a client uses. */
function urlOf({ address, port }: Pick<AddressInfo, 'address' | 'port'>): string {
  return `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
}

export function startPrimary(options: PrimaryOptions): Primary {
  const buckets = createMemoryRateLimitStore();
  const backoff = createRestartBackoff(options.backoff);
  const alive = new Map<number, RunningWorker>();
  const listening = new Set<number>();
  const restarts = new Set<NodeJS.Timeout>();
  let hasListened = false;
  let isStopping = false;
  let isClean = true;
  let startError: Error | undefined;
  let settle: { resolve(code: number): void; reject(error: Error): void } | undefined;
  const finished = new Promise<number>((resolve, reject) => {
    settle = { resolve, reject };
  });

  function broadcast(): void {
    const counts: CountsMessage = { lapse: 'workers', ready: listening.size, wanted: options.workers };
    for (const { worker } of alive.values()) channelOf(worker).send(counts);
  }

  function fork(): void {
    const worker = cluster.fork();
    const entry: RunningWorker = { worker, startedAt: performance.now() };
    alive.set(worker.id, entry);
    answerBucketRequests(buckets, channelOf(worker));
    worker.on('message', (message: unknown) => {
      if (isStartFailedMessage(message)) entry.failure = message;
      if (isSharedStateQuestion(message)) {
        const answer: SharedStateMessage = { lapse: 'shared-state' };
        options.sharedState.then(
          () => channelOf(worker).send(answer),
          () => {},
        );
      }
    });
    worker.on('listening', (address: Pick<AddressInfo, 'address' | 'port'>) => {
      if (listening.has(worker.id)) return;
      listening.add(worker.id);
      broadcast();
      if (!hasListened) {
        hasListened = true;
        options.onListening(urlOf(address));
        for (let index = 1; index < options.workers; index++) fork();
      }
    });
    worker.once('exit', (code, signal) => onExit(entry, code, signal));
  }

  function finishIfDone(): void {
    if (!isStopping || alive.size > 0) return;
    if (startError) settle?.reject(startError);
    else settle?.resolve(isClean ? 0 : 1);
  }

  function onExit(entry: RunningWorker, code: number | null, signal: string | null): void {
    const { worker, failure } = entry;
    const wasListening = listening.delete(worker.id);
    alive.delete(worker.id);
    broadcast();
    if (isStopping) {
      // One stopped while it was still starting had no requests to finish, however it ended.
      if (code !== 0 && wasListening) isClean = false;
      finishIfDone();
      return;
    }
    if (failure && !hasListened) {
      // Nothing ever listened: the cause (a busy port, a bad flag value) is the server's, not this worker's.
      startError = new WorkerStartError(failure.message, failure.exitCode);
      stop();
      return;
    }
    const delayMs = backoff.delayAfterExit(performance.now() - entry.startedAt);
    options.onEvent('worker exited; starting another', { pid: worker.process.pid, code, signal, delayMs });
    const timer = setTimeout(() => {
      restarts.delete(timer);
      if (!isStopping) fork();
    }, delayMs);
    restarts.add(timer);
  }

  function stop(): void {
    if (isStopping) return;
    isStopping = true;
    for (const timer of restarts) clearTimeout(timer);
    restarts.clear();
    for (const { worker } of alive.values()) worker.process.kill('SIGTERM');
    const kill = setTimeout(() => {
      for (const { worker } of alive.values()) {
        isClean = false;
        worker.process.kill('SIGKILL');
      }
    }, options.shutdownGraceMs + KILL_AFTER_GRACE_MS);
    void finished.finally(() => clearTimeout(kill)).catch(() => {});
    finishIfDone();
  }

  // The others start once this one listens: started together on a machine of few cores, workers take turns on
  // them and the first listens later than one alone would (docs/benchmarks.md, startup).
  fork();
  options.sharedState.catch((error: Error) => {
    startError = error;
    stop();
  });
  return { finished, stop };
}
