// A Map held to a budget of bytes, keys included: a cache keyed by what callers send (a search body, a client id,
// a token) must not let long keys pin memory that an entry count alone would allow. Least recently used entries
// go first; an entry, or a key, too large for its budget is not kept at all (its value is computed every time).
//
// Sizes are estimates, chosen to err high: a string costs 2 bytes per UTF-16 unit (V8 stores ASCII in one), and
// every entry adds ENTRY_OVERHEAD_BYTES for the Map slot, the entry object and the string headers.

export const ENTRY_OVERHEAD_BYTES = 96;

/** The estimated heap bytes of a string's characters. */
export function stringBytes(text: string): number {
  return 2 * text.length;
}

/** The estimated heap bytes of a small plain value (an object of strings, numbers and booleans), by its JSON. */
export function jsonBytes(value: unknown): number {
  return stringBytes(JSON.stringify(value) ?? '');
}

export interface ByteLimits<V> {
  /** Estimated bytes of every entry together: keys, values and ENTRY_OVERHEAD_BYTES each. */
  maxBytes: number;
  /** A key whose estimate exceeds this is never kept. */
  maxKeyBytes: number;
  /** An entry whose estimate exceeds this is never kept (default: a quarter of maxBytes). */
  maxEntryBytes?: number;
  /** An entry count on top of the byte budget, where a setting asks for one. */
  maxEntries?: number;
  valueBytes(value: V): number;
}

export interface BoundedMap<V> {
  /** The value under `key`, which becomes the most recently used. */
  get(key: string): V | undefined;
  /** Keeps `value` under `key` when it fits; false when it was too large to keep. */
  set(key: string, value: V): boolean;
  delete(key: string): boolean;
  clear(): void;
  readonly size: number;
  /** The estimated bytes held, never over maxBytes. */
  readonly bytes: number;
}

interface Slot<V> {
  value: V;
  bytes: number;
}

export function createBoundedMap<V>(limits: ByteLimits<V>): BoundedMap<V> {
  const maxEntryBytes = Math.min(limits.maxEntryBytes ?? limits.maxBytes / 4, limits.maxBytes);
  const maxEntries = limits.maxEntries ?? Number.POSITIVE_INFINITY;
  // A Map iterates in insertion order: re-inserting on use makes the first key the least recently used.
  const slots = new Map<string, Slot<V>>();
  let bytes = 0;
  const remove = (key: string): Slot<V> | undefined => {
    const slot = slots.get(key);
    if (!slot) return undefined;
    slots.delete(key);
    bytes -= slot.bytes;
    return slot;
  };
  const insert = (key: string, slot: Slot<V>) => {
    slots.set(key, slot);
    bytes += slot.bytes;
  };
  return {
    get(key) {
      const slot = remove(key);
      if (!slot) return undefined;
      insert(key, slot);
      return slot.value;
    },
    set(key, value) {
      remove(key);
      const keyBytes = stringBytes(key);
      if (keyBytes > limits.maxKeyBytes || maxEntries < 1) return false;
      const entryBytes = keyBytes + limits.valueBytes(value) + ENTRY_OVERHEAD_BYTES;
      if (entryBytes > maxEntryBytes) return false;
      for (const oldest of slots.keys()) {
        if (bytes + entryBytes <= limits.maxBytes && slots.size < maxEntries) break;
        remove(oldest);
      }
      insert(key, { value, bytes: entryBytes });
      return true;
    },
    delete: (key) => remove(key) !== undefined,
    clear() {
      slots.clear();
      bytes = 0;
    },
    get size() {
      return slots.size;
    },
    get bytes() {
      return bytes;
    },
  };
}
