// Reads an export's rows only when the output needs them, and closes the source when the output stops early
// (contract §5: exports are streamed, so a database cursor must not stay open behind an abandoned download).
// The source hands rows over in batches (a database reads them so), the output takes them in chunks of its own.

export class RowReader<T> {
  readonly #iterator: AsyncIterator<readonly T[]>;
  #pending: readonly T[] = [];
  #position = 0;
  #isFinished = false;

  constructor(batches: AsyncIterable<readonly T[]>) {
    this.#iterator = batches[Symbol.asyncIterator]();
  }

  /** Up to `max` more rows; fewer only at the end of the source. A source error rejects. */
  async read(max: number): Promise<T[]> {
    const rows: T[] = [];
    while (rows.length < max) {
      if (this.#position === this.#pending.length && !(await this.#refill())) break;
      const end = Math.min(this.#pending.length, this.#position + max - rows.length);
      for (; this.#position < end; this.#position++) rows.push(this.#pending[this.#position] as T);
    }
    return rows;
  }

  /** Whether another row follows; reads ahead at most one batch, kept for the next read. */
  async hasMore(): Promise<boolean> {
    return this.#position < this.#pending.length || this.#refill();
  }

  /** Stops reading: calls the source's return() unless it has already ended or failed. */
  close(): void {
    if (this.#isFinished) return;
    this.#isFinished = true;
    this.#pending = [];
    this.#position = 0;
    // The reader has gone, so no one is left to hear of a failed close; the source reports its own faults.
    this.#iterator.return?.()?.catch(() => undefined);
  }

  /** Takes the next non-empty batch; false at the end of the source. */
  async #refill(): Promise<boolean> {
    while (!this.#isFinished) {
      const next = await this.#pull();
      if (next.done) {
        this.#isFinished = true;
        break;
      }
      if (next.value.length > 0) {
        this.#pending = next.value;
        this.#position = 0;
        return true;
      }
    }
    return false;
  }

  async #pull(): Promise<IteratorResult<readonly T[]>> {
    try {
      return await this.#iterator.next();
    } catch (error) {
      // An iterator that threw is finished: return() must not be called on it.
      this.#isFinished = true;
      throw error;
    }
  }
}
