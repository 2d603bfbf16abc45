// Kysely over one pg connection the caller holds (a long read, a bulk load), with the cursor every read uses.
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import Cursor from 'pg-cursor';
import type { LapseDatabase } from '../schema.js';

/**
 * pg-cursor's close() waits for a ReadyForQuery that a lost connection never sends, so an export whose database
 * went away would hang instead of failing (contract §5: a cut export must not look whole, nor stall). A cursor
 * that has failed has nothing left to close: its error already ended the query.
 */
export class FailFastCursor<Row> extends Cursor<Row> {
  override close(): Promise<void>;
  override close(callback: (err: Error) => void): undefined;
  override close(callback?: (err: Error) => void): Promise<void> | undefined {
    const hasFailed = (this as unknown as { state: string }).state === 'error';
    if (!hasFailed) return callback ? super.close(callback) : super.close();
    if (!callback) return Promise.resolve();
    setImmediate(callback as () => void);
    return undefined;
  }
}

/** Kysely over one connection held by the caller: every query runs on it, inside whatever transaction is open. */
export function kyselyOn(client: pg.PoolClient): Kysely<LapseDatabase> {
  const held = { query: client.query.bind(client), release: () => {} };
  const pool = { connect: async () => held, end: async () => {} };
  return new Kysely<LapseDatabase>({ dialect: new PostgresDialect({ pool: pool as never, cursor: FailFastCursor }) });
}
