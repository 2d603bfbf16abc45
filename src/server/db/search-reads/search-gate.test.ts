import { describe, expect, it } from 'vitest';
import { createSearchGate } from './search-gate.js';
import { DEFAULT_SEARCH_LIMITS, type SearchLimits } from './search-limits.js';

const limits = (overrides: Partial<SearchLimits>): SearchLimits => ({ ...DEFAULT_SEARCH_LIMITS, ...overrides });
const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('search gate', () => {
  it('leaves one turn for other clients, and gives a freed turn to the client with fewest running', async () => {
    const gate = createSearchGate(limits({ concurrency: 3 }));
    const heavy = [await gate.acquire('heavy'), await gate.acquire('heavy')];
    const order: string[] = [];
    const heavyWaiting = gate.acquire('heavy').then((giveBack) => {
      order.push('heavy');
      return giveBack;
    });
    const light = await gate.acquire('light');
    const lightWaiting = gate.acquire('light').then((giveBack) => {
      order.push('light');
      return giveBack;
    });
    await settled();
    expect(order).toEqual([]);
    heavy[0]?.();
    await settled();
    // heavy has 1 running and light 1: heavy waited first, so it goes first; then light, when the next turn frees.
    expect(order).toEqual(['heavy']);
    light();
    await settled();
    expect(order).toEqual(['heavy', 'light']);
    for (const giveBack of [heavy[1], await heavyWaiting, await lightWaiting]) giveBack?.();
  });

  it('refuses with 429 past a client’s line or the whole line, and after waiting twice the time limit', async () => {
    const gate = createSearchGate(limits({ concurrency: 1, queuedPerClient: 1, queuedTotal: 2, timeoutMs: 50 }));
    const running = await gate.acquire('a');
    const waiting = gate.acquire('a');
    await expect(gate.acquire('a')).rejects.toMatchObject({ httpStatus: 429, status: 'RATE_LIMITED' });
    const other = gate.acquire('b');
    await expect(gate.acquire('c')).rejects.toMatchObject({ httpStatus: 429 });
    await expect(waiting).rejects.toMatchObject({ httpStatus: 429, headers: { 'retry-after': '1' } });
    await expect(other).rejects.toMatchObject({ httpStatus: 429 });
    running();
    const next = await gate.acquire('c');
    next();
  });

  it('lets a query wait past the time limit, so its own request’s overrunning query answers first', async () => {
    const gate = createSearchGate(limits({ concurrency: 2, queuedPerClient: 4, queuedTotal: 8, timeoutMs: 40 }));
    const page = await gate.acquire('a');
    let outcome = 'waiting';
    const count = gate.acquire('a').then(
      (giveBack) => {
        outcome = 'granted';
        return giveBack;
      },
      () => {
        outcome = 'refused';
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(outcome).toBe('waiting');
    page();
    (await count)?.();
    expect(outcome).toBe('granted');
  });
});

describe('search gate draining', () => {
  it('refuses with 503 the queries of requests not yet started, and lets a started request wait for its turns', async () => {
    const gate = createSearchGate(limits({ concurrency: 2 }));
    const started = { hasStarted: false };
    const page = await gate.acquire('a', started);
    const count = gate.acquire('a', started); // a's one running query is its share of two turns: it waits
    const queued = gate.acquire('a');
    gate.drain();
    await expect(queued).rejects.toMatchObject({
      httpStatus: 503,
      status: 'SERVICE_UNAVAILABLE',
      headers: { 'retry-after': '1' },
    });
    // A turn free at once is still given, to any query; none waits unless its request is running.
    const other = await gate.acquire('b');
    await expect(gate.acquire('c')).rejects.toMatchObject({ httpStatus: 503 });
    page();
    const next = await count;
    for (const giveBack of [next, other]) giveBack();
  });
});
