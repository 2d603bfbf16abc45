// The checksum that proves a copied table (`lapse migrate`): a 64-bit sum, over the rows, of the first 8 bytes of
// the SHA-256 of each row's canonical text, so it does not depend on the order rows are read in. The canonical
// text is what PostgreSQL's json_build_array writes for the row (`[1, "a", null]`), floating-point values as the
// hex of their IEEE-754 bits: PostgreSQL can then sum a table itself (dialects/postgres-bulk-load.ts), and any
// database's rows read into the server sum the same.
import * as crypto from 'node:crypto';
import { Worker } from 'node:worker_threads';

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

function canonicalValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  // What JSON.stringify writes for a finite number, without its general path.
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return JSON.stringify(value);
}

function canonicalFloat(value: unknown): string {
  if (typeof value !== 'number') return canonicalValue(value);
  floatBits.writeDoubleBE(value);
  return `"${floatBits.toString('hex')}"`;
}

type RowText = (row: readonly unknown[]) => string;

/** One expression per column, as storedCells builds its rows: no loop and no growing string per row. */
function rowTextOf(columns: readonly ChecksumColumn[]): RowText {
  const values = columns.map((column, index) => `${column.isFloat ? 'float' : 'value'}(row[${index}])`);
  const build = new Function('value', 'float', `return (row) => '[' + ${values.join(" + ', ' + ") || "''"} + ']';`);
  return build(canonicalValue, canonicalFloat) as RowText;
}

/** A row's canonical text; `row` holds the values of `columns`, in order. */
export function canonicalRowText(row: readonly unknown[], columns: readonly ChecksumColumn[]): string {
  return rowTextOf(columns)(row);
}

// crypto.hash (Node 20.12) digests a short text without the cost of making a Hash object.
const sha256 = (text: string): Buffer =>
  typeof crypto.hash === 'function'
    ? crypto.hash('sha256', text, 'buffer')
    : crypto.createHash('sha256').update(text).digest();

/** Rows summed in plain numbers before carrying into the 64-bit sum: 2^20 × 2^32 stays an exact double. */
const ROWS_PER_CARRY = 2 ** 20;

/** The 64-bit sum of digest prefixes, as two 32-bit halves summed in doubles and carried before they lose bits. */
export class PrefixSum {
  rows = 0;
  #sum = 0n;
  #high = 0;
  #low = 0;

  addDigest(digest: Buffer): void {
    this.#high += digest.readUInt32BE(0);
    this.#low += digest.readUInt32BE(4);
    this.rows += 1;
    if (this.rows % ROWS_PER_CARRY === 0) this.#carry();
  }

  addSum(rows: number, sum: bigint): void {
    this.#carry();
    this.rows += rows;
    this.#sum = BigInt.asUintN(64, this.#sum + sum);
  }

  #carry(): void {
    this.#sum = BigInt.asUintN(64, this.#sum + (BigInt(this.#high) << 32n) + BigInt(this.#low));
    this.#high = 0;
    this.#low = 0;
  }

  get value(): bigint {
    this.#carry();
    return this.#sum;
  }
}

/**
 * The thread that digests the texts of a table's rows after its first batch, when its rows are short: a short
 * text's digest costs more in the call than in the hashing, half of what reading such a row costs the copy, and
 * here it runs beside the reading. A batch comes as its rows' texts; each is answered with `ack`, `null` (the
 * end) with the sum.
 */
const HASHING_THREAD = `
const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const sha256 = typeof crypto.hash === 'function'
  ? (text) => crypto.hash('sha256', text, 'buffer')
  : (text) => crypto.createHash('sha256').update(text).digest();
let rows = 0, sum = 0n, high = 0, low = 0;
const carry = () => { sum = BigInt.asUintN(64, sum + (BigInt(high) << 32n) + BigInt(low)); high = 0; low = 0; };
parentPort.on('message', (texts) => {
  if (texts === null) { carry(); parentPort.postMessage({ rows, sum }); return; }
  for (const text of texts) {
    const digest = sha256(text);
    high += digest.readUInt32BE(0);
    low += digest.readUInt32BE(4);
    if (++rows % ${ROWS_PER_CARRY} === 0) carry();
  }
  parentPort.postMessage('ack');
});
`;

/** Batches handed to the hashing thread and not yet digested: the reading waits rather than queue a table. */
const MAX_BATCHES_IN_FLIGHT = 4;

/**
 * Rows this long or shorter on average are hashed on the thread: a short row's text costs less to hand over than to
 * hash, a long one's (a company's) more (measured in docs/benchmarks.md, migrate).
 */
const SHORT_ROW_CHARACTERS = 200;

class HashingThread {
  // A plain script: none of the parent's loaders (tsx under test) to start.
  readonly #worker = new Worker(HASHING_THREAD, { eval: true, execArgv: [] });
  /** The acks of the batches sent and not yet waited for, oldest first. */
  readonly #acks: Promise<unknown>[] = [];
  #failure: Error | undefined;
  readonly #waiting: { resolve: (value: unknown) => void; reject: (error: Error) => void }[] = [];

  constructor() {
    // The thread answers every message, in the order they were sent.
    this.#worker.on('message', (message: unknown) => this.#waiting.shift()?.resolve(message));
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', () => this.#fail(new Error('the checksum thread stopped')));
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiting of this.#waiting.splice(0)) waiting.reject(this.#failure);
  }

  #send(message: readonly string[] | null): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    const reply = new Promise((resolve, reject) => this.#waiting.push({ resolve, reject }));
    this.#worker.postMessage(message);
    return reply;
  }

  async add(texts: readonly string[]): Promise<void> {
    const ack = this.#send(texts);
    // Waited for in turn below, or never when the copy fails first: not an unhandled rejection meanwhile.
    ack.catch(() => {});
    this.#acks.push(ack);
    if (this.#acks.length > MAX_BATCHES_IN_FLIGHT) await this.#acks.shift();
  }

  async sum(): Promise<{ rows: number; sum: bigint }> {
    const total = (await this.#send(null)) as { rows: number; sum: bigint };
    this.#acks.length = 0;
    return total;
  }

  async close(): Promise<void> {
    this.#worker.removeAllListeners('exit');
    await this.#worker.terminate();
  }
}

export interface ChecksumTotal {
  rows: number;
  /** 16 hex digits. */
  hex: string;
}

const hexOf = (sum: bigint) => sum.toString(16).padStart(16, '0');

/** Adds rows into a checksum that does not depend on their order. */
export class TableChecksum {
  readonly #sum = new PrefixSum();
  readonly #rowText: RowText;
  #thread: HashingThread | undefined;
  /** Decided by the first batch. */
  #isThreaded: boolean | undefined;

  constructor(columns: readonly ChecksumColumn[]) {
    this.#rowText = rowTextOf(columns);
  }

  /** Rows added so far (those sent to the hashing thread included). */
  get rows(): number {
    return this.#sum.rows + this.#sentRows;
  }

  #sentRows = 0;

  add(row: readonly unknown[]): void {
    this.#sum.addDigest(sha256(this.#rowText(row)));
  }

  /**
   * Adds a batch. The first is hashed in this thread; the later ones go to a hashing thread when the first one's
   * rows were short (a table of a few rows starts none). Resolves once the next batch may come.
   */
  async addBatch(rows: readonly (readonly unknown[])[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.#isThreaded === undefined) {
      let characters = 0;
      for (const row of rows) {
        const text = this.#rowText(row);
        characters += text.length;
        this.#sum.addDigest(sha256(text));
      }
      this.#isThreaded = characters / rows.length <= SHORT_ROW_CHARACTERS;
    } else if (!this.#isThreaded) {
      for (const row of rows) this.add(row);
    } else {
      this.#thread ??= new HashingThread();
      this.#sentRows += rows.length;
      await this.#thread.add(rows.map(this.#rowText));
    }
  }

  /** The checksum of every row added; ends the hashing thread. */
  async total(): Promise<ChecksumTotal> {
    if (this.#thread) {
      const { rows, sum } = await this.#thread.sum();
      this.#sum.addSum(rows, sum);
      this.#sentRows = 0;
      await this.close();
    }
    return { rows: this.#sum.rows, hex: hexOf(this.#sum.value) };
  }

  /** Ends the hashing thread, if one was started (a copy that failed half-way). */
  async close(): Promise<void> {
    const thread = this.#thread;
    this.#thread = undefined;
    await thread?.close();
  }

  /** A checksum summed elsewhere (by the database), from its row count and its sum as a decimal integer. */
  static of(rows: number, decimalSum: string): ChecksumTotal {
    return { rows, hex: hexOf(BigInt.asUintN(64, BigInt(decimalSum))) };
  }
}
