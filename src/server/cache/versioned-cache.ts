// Values reused while the data has not changed. Correctness rests on the storage's data version (see
// db/dialect.ts): any committed write, from this process or another, changes it, and an entry is served only for
// the version it was computed at. Least recently used entries go first once the entry or size limit is reached.

interface Entry<T> {
  version: string;
  value: T;
  size: number;
}

export interface VersionedCache<T> {
  get(key: string, version: string): T | undefined;
  set(key: string, version: string, value: T): void;
  /** The value for `key` at `version`, computed and kept when there is none. */
  getOrCompute(key: string, version: string, compute: () => Promise<T>): Promise<T>;
}

export interface CacheLimits<T> {
  maxEntries: number;
  /** Total size of the cached values, as `sizeOf` measures them. */
  maxSize: number;
  sizeOf(value: T): number;
}

export function createVersionedCache<T>(limits: CacheLimits<T>): VersionedCache<T> {
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recently used.
  const entries = new Map<string, Entry<T>>();
  let size = 0;
  const remove = (key: string) => {
    const entry = entries.get(key);
    if (!entry) return undefined;
    size -= entry.size;
    entries.delete(key);
    return entry;
  };
  const insert = (key: string, entry: Entry<T>) => {
    entries.set(key, entry);
    size += entry.size;
  };
  const cache: VersionedCache<T> = {
    get(key, version) {
      const entry = remove(key);
      if (!entry || entry.version !== version) return undefined;
      insert(key, entry);
      return entry.value;
    },
    set(key, version, value) {
      const entrySize = limits.sizeOf(value);
      remove(key);
      if (entrySize > limits.maxSize / 4) return;
      insert(key, { version, value, size: entrySize });
      for (const oldest of entries.keys()) {
        if (entries.size <= limits.maxEntries && size <= limits.maxSize) break;
        remove(oldest);
      }
    },
    async getOrCompute(key, version, compute) {
      const known = cache.get(key, version);
      if (known !== undefined) return known;
      const value = await compute();
      cache.set(key, version, value);
      return value;
    },
  };
  return cache;
}
