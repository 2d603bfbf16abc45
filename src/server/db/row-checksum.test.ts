import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type ChecksumColumn, canonicalRowText, PrefixSum, TableChecksum } from './row-checksum.js';

const COLUMNS: ChecksumColumn[] = [
  { name: 'id', isFloat: false },
  { name: 'name', isFloat: false },
  { name: 'tokens', isFloat: true },
];

/** The checksum as its definition says, one row at a time in BigInts: what the faster sums must equal. */
function referenceHex(rows: readonly (readonly unknown[])[]): string {
  let sum = 0n;
  for (const row of rows) {
    const text = `[${row
      .map((value, index) => {
        if (value === null) return 'null';
        if (COLUMNS[index]?.isFloat) {
          const bits = Buffer.alloc(8);
          bits.writeDoubleBE(value as number);
          return `"${bits.toString('hex')}"`;
        }
        return JSON.stringify(value);
      })
      .join(', ')}]`;
    sum = BigInt.asUintN(64, sum + createHash('sha256').update(text).digest().readBigUInt64BE(0));
  }
  return sum.toString(16).padStart(16, '0');
}

const rowAt = (index: number): unknown[] => [
  index,
  index % 5 === 0 ? null : `name ${index} "quoted"\nline\\ Ünï 🚀`,
  index % 3 === 0 ? null : index * 1e-7,
];

async function checksumOf(rows: readonly (readonly unknown[])[], batchSize: number) {
  const checksum = new TableChecksum(COLUMNS);
  for (let start = 0; start < rows.length; start += batchSize) {
    await checksum.addBatch(rows.slice(start, start + batchSize));
  }
  return checksum.total();
}

describe('TableChecksum', () => {
  it('writes the canonical text json_build_array writes, floats as the hex of their bits', () => {
    expect(canonicalRowText([1, 'a"\n', 0.5], COLUMNS)).toBe('[1, "a\\"\\n", "3fe0000000000000"]');
    expect(canonicalRowText([null, null, null], COLUMNS)).toBe('[null, null, null]');
  });

  it('sums batches on its hashing thread to what the definition gives, in any order', async () => {
    const rows = Array.from({ length: 10_000 }, (_, index) => rowAt(index));
    const expected = referenceHex(rows);
    expect(await checksumOf(rows, 700)).toEqual({ rows: 10_000, hex: expected });
    expect(await checksumOf([...rows].reverse(), 10_000)).toEqual({ rows: 10_000, hex: expected });
    const oneByOne = new TableChecksum(COLUMNS);
    for (const row of rows) oneByOne.add(row);
    expect(await oneByOne.total()).toEqual({ rows: 10_000, hex: expected });
  });

  it('sums long rows, which it hashes in this thread, to what the definition gives', async () => {
    const rows = Array.from({ length: 3_000 }, (_, index) => [index, `${'long '.repeat(60)}${index}`, null]);
    expect(await checksumOf(rows, 500)).toEqual({ rows: 3_000, hex: referenceHex(rows) });
  });

  it('carries the halves of its sum before they lose bits, with the largest digests there are', () => {
    // 2^22 prefixes of 2^64 - 1: summed in doubles without carrying, each half passes 2^53 and drops bits.
    const rows = 2 ** 22;
    const largest = Buffer.alloc(32, 0xff);
    const sum = new PrefixSum();
    for (let row = 0; row < rows; row++) sum.addDigest(largest);
    expect(sum.rows).toBe(rows);
    expect(sum.value).toBe(BigInt.asUintN(64, BigInt(rows) * (2n ** 64n - 1n)));
  });

  it('sums more rows on its hashing thread than one carry holds', async () => {
    const rows = Array.from({ length: 2 ** 20 + 5 }, (_, index) => [index, null, null]);
    expect(await checksumOf(rows, 50_000)).toEqual({ rows: rows.length, hex: referenceHex(rows) });
  });

  it('starts a thread anew for the batches after one was ended', async () => {
    const checksum = new TableChecksum(COLUMNS);
    await checksum.addBatch([rowAt(1)]);
    await checksum.close();
    await checksum.addBatch([rowAt(2)]);
    expect((await checksum.total()).rows).toBe(2);
  });
});
