// contract §7 across the worker processes of one `lapse serve --workers N` on SQLite: the buckets live in the
// primary process's memory and every worker asks it for each decision over the cluster's IPC channel, so a limit
// holds for the whole server, not once per worker (docs/decisions.md, "Rate limits across workers").
import cluster from 'node:cluster';
import { createMemoryRateLimitStore, type RateDecision, type RateLimitStore } from './token-bucket.js';

type BucketOperation = 'take' | 'give' | 'peek';

interface BucketRequest {
  lapse: 'bucket';
  id: number;
  operation: BucketOperation;
  key: string;
  perMinute: number;
  nowMs: number;
}

interface BucketReply {
  lapse: 'bucket-reply';
  id: number;
  /** null for `give`, which decides nothing. */
  decision: RateDecision | null;
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
    m?.lapse === 'bucket' &&
    typeof m.id === 'number' &&
    OPERATIONS.has(m.operation) &&
    typeof m.key === 'string' &&
    typeof m.perMinute === 'number' &&
    typeof m.nowMs === 'number'
  );
}

function isBucketReply(message: unknown): message is BucketReply {
  const m = message as Partial<BucketReply> | null;
  return m?.lapse === 'bucket-reply' && typeof m.id === 'number';
}

/** The primary's side: answers every bucket request arriving on `channel` from `store`. */
export function answerBucketRequests(store: RateLimitStore, channel: MessageChannel): void {
  channel.onMessage((message) => {
    if (!isBucketRequest(message)) return;
    const { id, operation, key, perMinute, nowMs } = message;
    void store[operation](key, perMinute, nowMs).then((decision) => {
      const reply: BucketReply = { lapse: 'bucket-reply', id, decision: decision ?? null };
      channel.send(reply);
    });
  });
}

/** A worker's store: every decision is the primary's (answerBucketRequests), in the order asked. */
export function createRemoteRateLimitStore(channel: MessageChannel): RateLimitStore {
  const pending = new Map<number, { resolve(decision: RateDecision | null): void; reject(error: Error): void }>();
  let nextId = 0;
  let isClosed = false;
  channel.onMessage((message) => {
    if (!isBucketReply(message)) return;
    pending.get(message.id)?.resolve(message.decision);
    pending.delete(message.id);
  });
  channel.onClose(() => {
    isClosed = true;
    for (const waiting of pending.values()) waiting.reject(new Error('the primary process is gone'));
    pending.clear();
  });
  const ask = (operation: BucketOperation, key: string, perMinute: number, nowMs: number) =>
    new Promise<RateDecision | null>((resolve, reject) => {
      if (isClosed) return reject(new Error('the primary process is gone'));
      const id = nextId++;
      pending.set(id, { resolve, reject });
      const request: BucketRequest = { lapse: 'bucket', id, operation, key, perMinute, nowMs };
      channel.send(request);
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
    send: (message) => process.send?.(message),
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
