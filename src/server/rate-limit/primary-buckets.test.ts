import { describe, expect, it } from 'vitest';
import { answerBucketRequests, createRemoteRateLimitStore, type MessageChannel } from './primary-buckets.js';
import { createMemoryRateLimitStore, type RateLimitStore } from './token-bucket.js';

/** Two ends of one channel, delivering as IPC does: later, in order, each message copied; `sent` counts them. */
function channelPair(sent = [0, 0]): [MessageChannel, MessageChannel, () => void] {
  const listeners: [((m: unknown) => void)[], ((m: unknown) => void)[]] = [[], []];
  const closers: (() => void)[] = [];
  const end = (own: 0 | 1): MessageChannel => ({
    send: (message) => {
      sent[own] = (sent[own] ?? 0) + 1;
      const copy = JSON.parse(JSON.stringify(message));
      setImmediate(() => {
        for (const listener of listeners[own === 0 ? 1 : 0]) listener(copy);
      });
    },
    onMessage: (listener) => listeners[own].push(listener),
    onClose: (listener) => closers.push(listener),
  });
  const closeBoth = () => {
    for (const close of closers) close();
  };
  return [end(0), end(1), closeBoth];
}

describe('the primary buckets', () => {
  it('give two workers one bucket: the limit holds for both together', async () => {
    const primaryStore = createMemoryRateLimitStore();
    const workers = [0, 1].map(() => {
      const [primaryEnd, workerEnd] = channelPair();
      answerBucketRequests(primaryStore, primaryEnd);
      return createRemoteRateLimitStore(workerEnd);
    });
    const decisions = await Promise.all(
      Array.from({ length: 10 }, (_, index) => workers[index % 2]?.take('client:a', 6, 1_000)),
    );
    expect(decisions.filter((decision) => decision?.isAllowed).length).toBe(6);
    await workers[0]?.give('client:a', 6, 1_000);
    expect((await workers[1]?.peek('client:a', 6, 1_000))?.isAllowed).toBe(true);
  });

  it('hear what one turn asks as one message, and answer it as one, deciding in the order asked', async () => {
    const sent = [0, 0];
    const [primaryEnd, workerEnd] = channelPair(sent);
    answerBucketRequests(createMemoryRateLimitStore(), primaryEnd);
    const worker = createRemoteRateLimitStore(workerEnd);
    const decisions = await Promise.all(Array.from({ length: 10 }, () => worker.take('client:a', 6, 1_000)));
    expect(decisions.map((decision) => decision.isAllowed)).toEqual([...Array(6).fill(true), ...Array(4).fill(false)]);
    expect(sent).toEqual([1, 1]);
    // The next turn's questions are a message of their own.
    await worker.give('client:a', 6, 1_000);
    expect((await worker.take('client:a', 6, 1_000)).isAllowed).toBe(true);
    expect(sent).toEqual([3, 3]);
  });

  it('answer each question on its own: a store failure or a malformed question fails only its own request', async () => {
    const memory = createMemoryRateLimitStore();
    const failing: RateLimitStore = {
      ...memory,
      take: (key, perMinute, nowMs) =>
        key === 'client:broken' ? Promise.reject(new Error('store down')) : memory.take(key, perMinute, nowMs),
    };
    const [primaryEnd, workerEnd] = channelPair();
    answerBucketRequests(failing, primaryEnd);
    const worker = createRemoteRateLimitStore(workerEnd);
    const [broken, fine] = await Promise.allSettled([
      worker.take('client:broken', 6, 1_000),
      worker.take('client:a', 6, 1_000),
    ]);
    expect(broken).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/store down/) } });
    expect(fine).toMatchObject({ status: 'fulfilled', value: { isAllowed: true } });

    // A question the primary cannot read is answered with an error by its id; the good one beside it is decided.
    const replies: unknown[] = [];
    workerEnd.onMessage((message) => replies.push(message));
    workerEnd.send({
      lapse: 'buckets',
      requests: [
        { id: 900, operation: 'steal', key: 'client:a', perMinute: 6, nowMs: 1_000 },
        { id: 901, operation: 'peek', key: 'client:a', perMinute: 6, nowMs: 1_000 },
      ],
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(replies).toContainEqual({
      lapse: 'bucket-replies',
      replies: [
        { id: 900, decision: null, error: 'a malformed bucket question' },
        { id: 901, decision: expect.objectContaining({ isAllowed: true }) },
      ],
    });
  });

  it('refuse what is asked once the primary is gone', async () => {
    const [, workerEnd, close] = channelPair();
    const store = createRemoteRateLimitStore(workerEnd);
    const pending = store.take('client:a', 6, 1_000);
    close();
    await expect(pending).rejects.toThrow(/primary process is gone/);
    await expect(store.peek('client:a', 6, 1_000)).rejects.toThrow(/primary process is gone/);
  });
});
