// contract §7 across the worker processes of one `lapse serve --workers N` on SQLite: the buckets live in the
// primary process's memory and every worker asks it for each decision over the cluster's IPC channel, so a limit
// holds for the whole server, not once per worker (docs/decisions.md, "Rate limits across workers").
//
// The questions a worker asks in one turn of its event loop go as one message, and their answers come back as
// one: under load a worker reads many requests a turn, and a message each way per request cost the primary a
// fifth of a core at 6,800 requests a second. The primary still decides each question in the order asked.
import cluster from 'node:cluster';
import { createMemoryRateLimitStore, type RateDecision, type RateLimitStore } from './token-bucket.js';

type BucketOperation = 'take' | 'give' | 'peek';

interface BucketRequest {
  id: number;
  operation: BucketOperation;
  key: string;
  perMinute: number;
  nowMs: number;
}

interface BucketRequests {
  lapse: 'buckets';
  requests: BucketRequest[];
}

interface BucketReply {
  id: number;
  /** null for `give`, which decides nothing, and for a question the primary could not answer. */
  decision: RateDecision | null;
  /** Why the question could not be answered: the worker's request fails with it rather than waiting for good. */
  error?: string;
}

interface BucketReplies {
  lapse: 'bucket-replies';
  replies: BucketReply[];
}

/** One end of an IPC channel (a cluster worker's `process`, or the primary's handle on one worker). */
export interface MessageChannel {
  send(message: unknown): void;
  onMessage(listener: (message: unknown) => void): void;
  /** Called once when the other end is gone. */
  onClose(listener: () => void): void;
}

const OPERATIONS = new Set<unknown>(['take', 'give', 'peek']);

function isBucketRequest(message: unknown): message is BucketRequest {
  const m = message as Partial<BucketRequest> | null;
  return (
    typeof m?.id === 'number' &&
    OPERATIONS.has(m.operation) &&
    typeof m.key === 'string' &&
    typeof m.perMinute === 'number' &&
    typeof m.nowMs === 'number'
  );
}

function isBucketRequests(message: unknown): message is { lapse: 'buckets'; requests: unknown[] } {
  const m = message as Partial<BucketRequests> | null;
  return m?.lapse === 'buckets' && Array.isArray(m.requests);
}

function isBucketReplies(message: unknown): message is BucketReplies {
  const m = message as Partial<BucketReplies> | null;
  return (
    m?.lapse === 'bucket-replies' &&
    Array.isArray(m.replies) &&
    m.replies.every((reply: Partial<BucketReply> | null) => typeof reply?.id === 'number')
  );
}

/** A question that cannot be asked of the store still gets an answer, so its request fails instead of waiting. */
function refusedReply(request: unknown, error: unknown): BucketReply[] {
  const id = (request as { id?: unknown } | null)?.id;
  if (typeof id !== 'number') return [];
  return [{ id, decision: null, error: error instanceof Error ? error.message : String(error) }];
}

/**
 * The primary's side: answers every batch of bucket questions arriving on `channel` from `store`, in one message,
 * each question on its own (one that fails does not take the others with it). The primary's store is the memory
 * one, whose operations decide at once when called, so calling them in the order asked decides in that order.
 */
export function answerBucketRequests(store: RateLimitStore, channel: MessageChannel): void {
  channel.onMessage((message) => {
    if (!isBucketRequests(message)) return;
    const decided = message.requests.map(async (request): Promise<BucketReply[]> => {
      if (!isBucketRequest(request)) return refusedReply(request, new Error('a malformed bucket question'));
      const { id, operation, key, perMinute, nowMs } = request;
      try {
        return [{ id, decision: (await store[operation](key, perMinute, nowMs)) ?? null }];
      } catch (error) {
        return refusedReply(request, error);
      }
    });
    void Promise.all(decided).then((replies) => {
      const answer: BucketReplies = { lapse: 'bucket-replies', replies: replies.flat() };
      channel.send(answer);
    });
  });
}

/** A worker's store: every decision is the primary's (answerBucketRequests), in the order asked. */
export function createRemoteRateLimitStore(channel: MessageChannel): RateLimitStore {
  const pending = new Map<number, { resolve(decision: RateDecision | null): void; reject(error: Error): void }>();
  /** Asked in this turn of the event loop, sent together at its end. */
  let unsent: BucketRequest[] = [];
  let nextId = 0;
  let isClosed = false;
  channel.onMessage((message) => {
    if (!isBucketReplies(message)) return;
    for (const { id, decision, error } of message.replies) {
      const waiting = pending.get(id);
      pending.delete(id);
      if (error === undefined) waiting?.resolve(decision);
      else waiting?.reject(new Error(`the primary could not decide: ${error}`));
    }
  });
  channel.onClose(() => {
    isClosed = true;
    unsent = [];
    for (const waiting of pending.values()) waiting.reject(new Error('the primary process is gone'));
    pending.clear();
  });
  const send = () => {
    const requests = unsent;
    unsent = [];
    if (isClosed || requests.length === 0) return;
    const message: BucketRequests = { lapse: 'buckets', requests };
    channel.send(message);
  };
  const ask = (operation: BucketOperation, key: string, perMinute: number, nowMs: number) =>
    new Promise<RateDecision | null>((resolve, reject) => {
      if (isClosed) return reject(new Error('the primary process is gone'));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      // After the requests this turn reads: the check phase follows the poll phase that read them.
      if (unsent.push({ id, operation, key, perMinute, nowMs }) === 1) setImmediate(send);
    });
  const decided = async (operation: 'take' | 'peek', key: string, perMinute: number, nowMs: number) =>
    (await ask(operation, key, perMinute, nowMs)) as RateDecision;
  return {
    take: (key, perMinute, nowMs) => decided('take', key, perMinute, nowMs),
    peek: (key, perMinute, nowMs) => decided('peek', key, perMinute, nowMs),
    async give(key, perMinute, nowMs) {
      await ask('give', key, perMinute, nowMs);
    },
  };
}

/** This process's end of the channel to the cluster primary (a cluster worker only). */
function primaryChannel(): MessageChannel {
  return {
    // Node marks the channel disconnected a moment before it says so; a send in between would throw without
    // the callback. The questions of that moment are refused when 'disconnect' comes.
    send: (message) => {
      if (process.connected) process.send?.(message, undefined, {}, () => {});
    },
    onMessage: (listener) => process.on('message', listener),
    onClose: (listener) => process.once('disconnect', listener),
  };
}

/**
 * The buckets of the server this process belongs to: its own memory when it serves alone, the primary's when it
 * is one of a cluster's workers.
 */
export function createServerRateLimitStore(): RateLimitStore {
  return cluster.isWorker ? createRemoteRateLimitStore(primaryChannel()) : createMemoryRateLimitStore();
}
