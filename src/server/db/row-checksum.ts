// The checksum that proves a copied table (`lapse migrate`): a 64-bit sum, over the rows, of the first 8 bytes of
// the SHA-256 of each row's canonical text, so it does not depend on the order rows are read in. The canonical
// text is what PostgreSQL's json_build_array writes for the row (`[1, "a", null]`), floating-point values as the
// hex of their IEEE-754 bits: PostgreSQL can then sum a table itself (dialects/postgres-bulk-load.ts), and any
// database's rows read into the server sum the same.
import { createHash } from 'node:crypto';

/** A copied column: its name, and whether it holds floating-point numbers. */
export interface ChecksumColumn {
  name: string;
  isFloat: boolean;
}

/** Whether a declared column type (as the database's catalogue names it) holds floating-point numbers. */
export function isFloatType(dataType: string): boolean {
  return /^(float|double|real)/i.test(dataType.trim());
}

const floatBits = Buffer.alloc(8);

function canonicalValue(value: unknown, isFloat: boolean): string {
  if (value === null || value === undefined) return 'null';
  if (isFloat && typeof value === 'number') {
    floatBits.writeDoubleBE(value);
    return `"${floatBits.toString('hex')}"`;
  }
  return JSON.stringify(value);
}

/** A row's canonical text; `row` holds the values of `columns`, in order. */
export function canonicalRowText(row: readonly unknown[], columns: readonly ChecksumColumn[]): string {
  let text = '[';
  for (let index = 0; index < columns.length; index++) {
    if (index > 0) text += ', ';
    text += canonicalValue(row[index], (columns[index] as ChecksumColumn).isFloat);
  }
  return `${text}]`;
}

/** Adds rows into a checksum that does not depend on their order. */
export class TableChecksum {
  rows = 0;
  #sum = 0n;

  constructor(private readonly columns: readonly ChecksumColumn[]) {}

  add(row: readonly unknown[]): void {
    const digest = createHash('sha256').update(canonicalRowText(row, this.columns)).digest();
    this.#sum = BigInt.asUintN(64, this.#sum + digest.readBigUInt64BE(0));
    this.rows += 1;
  }

  get hex(): string {
    return this.#sum.toString(16).padStart(16, '0');
  }

  /** A checksum summed elsewhere (by the database), from its row count and its sum as a decimal integer. */
  static of(rows: number, decimalSum: string): { rows: number; hex: string } {
    return { rows, hex: BigInt.asUintN(64, BigInt(decimalSum)).toString(16).padStart(16, '0') };
  }
}
