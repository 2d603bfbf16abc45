import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBoundedMap, ENTRY_OVERHEAD_BYTES, stringBytes } from './bounded-map.js';

const limits = { maxBytes: 2_000, maxKeyBytes: 200, valueBytes: (value: string) => stringBytes(value) };
const entryBytes = (key: string, value: string) => stringBytes(key) + stringBytes(value) + ENTRY_OVERHEAD_BYTES;

type Operation = { kind: 'set'; key: string; value: string } | { kind: 'get' | 'delete'; key: string };

// Few distinct key stems, so operations revisit keys; lengths reach past the key limit and the entry limit.
const key = fc
  .tuple(fc.constantFrom('a', 'b', 'c', 'd', 'e', 'f'), fc.nat({ max: 120 }))
  .map(([k, n]) => k.repeat(n + 1));
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), key, value: fc.string({ maxLength: 400 }) }),
  fc.record({ kind: fc.constantFrom('get' as const, 'delete' as const), key }),
);

/** The same rule written plainly: entries in order of use, the oldest dropped until the newest fits. */
function modelOf(operations: Operation[], maxEntries = Number.POSITIVE_INFINITY) {
  let entries: { key: string; value: string; bytes: number }[] = [];
  const total = () => entries.reduce((sum, entry) => sum + entry.bytes, 0);
  for (const op of operations) {
    const found = entries.find((entry) => entry.key === op.key);
    entries = entries.filter((entry) => entry.key !== op.key);
    if (op.kind === 'get' && found) entries.push(found);
    if (op.kind !== 'set') continue;
    const bytes = entryBytes(op.key, op.value);
    if (stringBytes(op.key) > limits.maxKeyBytes || bytes > limits.maxBytes / 4) continue;
    while (total() + bytes > limits.maxBytes || entries.length >= maxEntries) entries.shift();
    entries.push({ key: op.key, value: op.value, bytes });
  }
  return entries;
}

function apply(map: ReturnType<typeof createBoundedMap<string>>, op: Operation) {
  if (op.kind === 'set') map.set(op.key, op.value);
  else if (op.kind === 'get') map.get(op.key);
  else map.delete(op.key);
}

describe('createBoundedMap', () => {
  it('never holds more estimated bytes than its budget, keys included', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 200 }), (operations) => {
        const map = createBoundedMap(limits);
        const held = new Map<string, string>();
        for (const op of operations) {
          apply(map, op);
          if (op.kind === 'set') held.set(op.key, op.value);
          expect(map.bytes).toBeLessThanOrEqual(limits.maxBytes);
        }
        let counted = 0;
        for (const [k, value] of held) if (map.get(k) === value) counted += entryBytes(k, value);
        expect(map.bytes).toBe(counted);
      }),
    );
  });

  it('keeps the most recently used entries that fit, and drops the least recently used first', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 200 }), fc.option(fc.integer({ min: 1, max: 8 })), (ops, max) => {
        const maxEntries = max ?? undefined;
        const map = createBoundedMap({ ...limits, maxEntries });
        for (const op of ops) apply(map, op);
        const model = modelOf(ops, maxEntries);
        expect(map.size).toBe(model.length);
        expect(map.bytes).toBe(model.reduce((sum, entry) => sum + entry.bytes, 0));
        for (const entry of model) expect(map.get(entry.key)).toBe(entry.value);
      }),
    );
  });

  it('keeps the newest entry whenever it fits on its own', () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 100 }), key, fc.string({ maxLength: 100 }), (ops, k, value) => {
        const map = createBoundedMap(limits);
        for (const op of ops) apply(map, op);
        const isKept = map.set(k, value);
        expect(isKept).toBe(stringBytes(k) <= limits.maxKeyBytes && entryBytes(k, value) <= limits.maxBytes / 4);
        expect(map.get(k)).toBe(isKept ? value : undefined);
      }),
    );
  });

  it('does not keep a key over its limit, whatever room is left', () => {
    const map = createBoundedMap(limits);
    expect(map.set('k'.repeat(101), '')).toBe(false);
    expect(map.size).toBe(0);
    expect(map.bytes).toBe(0);
    expect(map.set('k'.repeat(100), '')).toBe(true);
  });
});
