// Search reads through the gate: each query waits for its client's turn (search-gate.ts), then runs where the
// dialect puts it; the turn comes back when the query has really stopped, which on SQLite can be after its answer
// (a worker past the time limit ends when its statement does), so a client's overrunning queries keep counting
// against its own share until then. A request's queries share one SearchRequestTurns, so that a drain lets a request
// already running finish.
import type { CompiledQuery, Kysely, KyselyPlugin } from 'kysely';
import { ApiError } from '../../errors.js';
import type { LapseDatabase } from '../schema.js';
import { type QueryLanguage, readOnlyKysely } from './read-dialect.js';
import type { SearchGate, SearchRequestTurns } from './search-gate.js';

/** Rows as objects (what Kysely reads) or as arrays of the selected values (selectValues). */
export type RowShape = 'objects' | 'arrays';

export interface ReadJob {
  rows: Promise<unknown[]>;
  /** Settles once the query uses nothing any more (its thread or connection is free or gone). */
  finished: Promise<unknown>;
}

/**
 * A read asked for once the dialect's search threads or pool have closed (its request's client already gone):
 * refused as the shutdown refuses every search it does not run, never a 500.
 */
export function readAfterClose(): ReadJob {
  return { rows: Promise.reject(ApiError.shuttingDown()), finished: Promise.resolve() };
}

/** Starts one select where the dialect runs searches. */
export type StartRead = (query: CompiledQuery, rowShape: RowShape) => ReadJob;

/** The reads of one search request: a query builder and array-row selects, both bounded by the gate. */
export interface SearchConnection {
  db: Kysely<LapseDatabase>;
  selectValues(query: CompiledQuery): Promise<unknown[][]>;
}

export function gatedSearchConnection(
  language: QueryLanguage,
  gate: SearchGate,
  clientKey: string,
  startRead: StartRead,
  plugins: KyselyPlugin[] = [],
): SearchConnection {
  const request: SearchRequestTurns = { hasStarted: false };
  const run = async (query: CompiledQuery, rowShape: RowShape) => {
    const giveBack = await gate.acquire(clientKey, request);
    let job: ReadJob;
    try {
      job = startRead(query, rowShape);
    } catch (error) {
      giveBack();
      throw error;
    }
    void job.finished.then(giveBack, giveBack);
    return job.rows;
  };
  return {
    db: readOnlyKysely(language, (query) => run(query, 'objects'), plugins),
    selectValues: (query) => run(query, 'arrays') as Promise<unknown[][]>,
  };
}
