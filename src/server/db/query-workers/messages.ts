// What the query worker pool and its threads send each other.
import type { RowShape } from '../search-reads/gated-reads.js';

export interface QueryWorkerData {
  file: string;
  /** The thread's connection page cache, KiB. */
  cacheKib: number;
  maxCachedStatements: number;
}

export interface QueryRequest {
  sql: string;
  parameters: readonly unknown[];
  rowShape: RowShape;
}

export type QueryAnswer =
  | { ready: true }
  | { rows: unknown[] }
  | { error: { message: string; code: string | undefined } };
