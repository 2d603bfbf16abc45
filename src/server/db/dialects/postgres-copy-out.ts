// A query's one text column as bytes, through COPY … TO STDOUT: PostgreSQL writes the rows at its own speed and
// Node only strips the framing. The binary format frames each value with its length, so the texts arrive as they
// are (the text format would escape every line break and tab in them).
import { Transform, type TransformCallback } from 'node:stream';
import type { CompiledQuery } from 'kysely';
import type pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { textLiteralSql } from './postgres-csv.js';

/** The binary format's header: 11 bytes of signature, a flags word, then an extension of the length that follows. */
const SIGNATURE_BYTES = 11;
const HEADER_BYTES = SIGNATURE_BYTES + 4 + 4;
const END_OF_DATA = -1;

/**
 * Strips COPY's binary framing from a one-column result: per row a field count (2 bytes), the value's length
 * (4 bytes) and its bytes; the data ends with a field count of -1.
 */
class BinaryCopyValues extends Transform {
  #pending = Buffer.alloc(0);
  #isPastHeader = false;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const buffer = this.#pending.length === 0 ? chunk : Buffer.concat([this.#pending, chunk]);
    const at = this.#isPastHeader ? 0 : this.#headerEnd(buffer);
    const rest = at === undefined ? buffer : this.#pushValues(buffer, at);
    // Copied, so the chunk it came from is not kept alive for a few bytes.
    this.#pending = Buffer.from(rest);
    done();
  }

  /** Where the rows start, once the whole header has arrived. */
  #headerEnd(buffer: Buffer): number | undefined {
    if (buffer.length < HEADER_BYTES) return undefined;
    const end = HEADER_BYTES + buffer.readUInt32BE(SIGNATURE_BYTES + 4);
    if (buffer.length < end) return undefined;
    this.#isPastHeader = true;
    return end;
  }

  /** Pushes the values of the whole rows from `at` on; returns what is left of a row still arriving. */
  #pushValues(buffer: Buffer, start: number): Buffer {
    const values: Buffer[] = [];
    let at = start;
    while (buffer.length - at >= 6) {
      const length = buffer.readInt32BE(at + 2);
      // A null value (length -1) has no bytes: nothing to write.
      const end = at + 6 + Math.max(0, length);
      if (end > buffer.length) break;
      if (length > 0) values.push(buffer.subarray(at + 6, end));
      at = end;
    }
    if (buffer.length - at >= 2 && buffer.readInt16BE(at) === END_OF_DATA) at = buffer.length;
    if (values.length > 0) this.push(values.length === 1 ? values[0] : Buffer.concat(values));
    return buffer.subarray(at);
  }
}

/**
 * A compiled query with its parameters written in as literals: COPY takes no bound parameters. Every value is
 * a literal of its own type (texts as E'' strings), so no value can change what the statement says.
 */
export function inlineParameters(query: CompiledQuery): string {
  return query.sql.replace(/\$(\d+)/g, (_match, position: string) => {
    const value = query.parameters[Number(position) - 1];
    if (typeof value === 'string') return textLiteralSql(value);
    if (typeof value === 'number' && Number.isFinite(value)) return `(${value})`;
    if (typeof value === 'bigint') return `(${value})`;
    if (typeof value === 'boolean' || value === null) return String(value);
    throw new TypeError(`a ${typeof value} parameter cannot be written into COPY`);
  });
}

/**
 * The bytes of `query`'s one text column on `client`, inside whatever transaction is open there. Destroyed
 * early (the HTTP client went away), the rest of the result is read and dropped, so the connection finishes the
 * statement and stays usable for the transaction's end.
 */
export function copyOut(client: pg.PoolClient, query: CompiledQuery): Transform {
  const copy = client.query(copyTo(`copy (${inlineParameters(query)}) to stdout with (format binary)`));
  const values = new BinaryCopyValues({
    destroy(error, callback) {
      copy.unpipe(values);
      copy.resume();
      callback(error);
    },
  });
  // Kept after the end too: an error of the statement read out after a destroy must not go unheard.
  copy.on('error', (error) => values.destroy(error));
  return copy.pipe(values);
}
