// Reads an export's rows only when the output needs them, and closes the source when the output stops early
// (contract §5: exports are streamed, so a database cursor must not stay open behind an abandoned download).

export class RowReader<T> {
  readonly #iterator: AsyncIterator<T>;
  #lookahead: T[] = [];
  #isFinished = false;

  constructor(rows: AsyncIterable<T>) {
    this.#iterator = rows[Symbol.asyncIterator]();
  }

  /** Up to `max` more rows; fewer only at the end of the source. A source error rejects. */
  async read(max: number): Promise<T[]> {
    const batch = this.#lookahead.splice(0, max);
    while (batch.length < max && !this.#isFinished) {
      const row = await this.#pull();
      if (row.done) this.#isFinished = true;
      else batch.push(row.value);
    }
    return batch;
  }

  /** Whether another row follows; pulls at most one row, kept for the next read. */
  async hasMore(): Promise<boolean> {
    if (this.#lookahead.length > 0) return true;
    const [row] = await this.read(1);
    if (row === undefined) return false;
    this.#lookahead.push(row);
    return true;
  }

  /** Stops reading: calls the source's return() unless it has already ended or failed. */
  close(): void {
    if (this.#isFinished) return;
    this.#isFinished = true;
    this.#lookahead = [];
    // The reader has gone, so no one is left to hear of a failed close; the source reports its own faults.
    this.#iterator.return?.()?.catch(() => undefined);
  }

  async #pull(): Promise<IteratorResult<T>> {
    try {
      return await this.#iterator.next();
    } catch (error) {
      // An iterator that threw is finished: return() must not be called on it.
      this.#isFinished = true;
      throw error;
    }
  }
}
