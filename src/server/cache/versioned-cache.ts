// Values reused while the data has not changed. Correctness rests on the storage's data version (see
// db/dialect.ts): any committed write, from this process or another, changes it, and an entry is served only for
// the version it was computed at. The entries live in a bounded map: keys and values count against its budget.
import { type ByteLimits, createBoundedMap, stringBytes } from './bounded-map.js';

interface Entry<T> {
  version: string;
  value: T;
}

export interface VersionedCache<T> {
  get(key: string, version: string): T | undefined;
  set(key: string, version: string, value: T): void;
  /**
   * The value for `key` at `version`, computed and kept when there is none. Callers of the same `owner` asking while
   * it is being computed wait for that computation, and share its outcome, instead of starting their own.
   */
  getOrCompute(key: string, version: string, compute: () => Promise<T>, owner?: string): Promise<T>;
}

export type CacheLimits<T> = ByteLimits<T>;

export function createVersionedCache<T>(limits: CacheLimits<T>): VersionedCache<T> {
  // Computations under way, by owner, version and key: a client's burst of requests for one search (a dashboard's
  // first load, a script paging in parallel) counts its totals once, not once per request, and takes one of its
  // search turns, not many. Only its own: another client waiting on it would wait in this client's line, which the
  // search gate serves after those with fewer queries running; and the outcome (a refused turn, a time limit) is
  // then the waiter's own too.
  const computing = new Map<string, Promise<T>>();
  const entries = createBoundedMap<Entry<T>>({
    ...limits,
    valueBytes: (entry) => stringBytes(entry.version) + limits.valueBytes(entry.value),
  });
  const cache: VersionedCache<T> = {
    get(key, version) {
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (entry.version === version) return entry.value;
      // A miss on another version drops the stale entry for good.
      entries.delete(key);
      return undefined;
    },
    set(key, version, value) {
      entries.set(key, { version, value });
    },
    async getOrCompute(key, version, compute, owner = '') {
      const known = cache.get(key, version);
      if (known !== undefined) return known;
      const slot = JSON.stringify([owner, version, key]);
      const underWay = computing.get(slot);
      if (underWay) return underWay;
      const mine = compute();
      computing.set(slot, mine);
      try {
        const value = await mine;
        cache.set(key, version, value);
        return value;
      } finally {
        if (computing.get(slot) === mine) computing.delete(slot);
      }
    },
  };
  return cache;
}
