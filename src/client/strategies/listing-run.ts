// The state one listing shares across the strategies it tries: the search function, page size, warnings,
// rows seen, and progress reporting.
import type { SearchBody, SearchCompanyDto } from '../../contract/index.js';
import { completeSearchBody } from '../companies.js';
import { type ScannedPage, type SearchPageFn, scanPages } from '../paginate.js';
import type { Criterion } from './criterion.js';

export type StrategyName = 'server-filter' | 'ordered-scan' | 'full-scan';

export interface ListingProgress {
  strategy: StrategyName;
  pageNumber: number;
  totalNumberOfPages: number;
  /** Rows received so far (all strategies). */
  seen: number;
  /** Rows kept so far. */
  kept: number;
}

export interface ListingRun {
  search: SearchPageFn;
  pageSize: number;
  warnings: string[];
  seen: number;
  kept: number;
  onProgress?: ((progress: ListingProgress) => void) | undefined;
}

/** How a strategy ended: it found every matching row, or it cannot be used here (and why). */
export type StrategyOutcome = { isComplete: true; reason: string } | { isComplete: false; reason: string };

/**
 * A strategy yields matching rows (already checked on the client) a page at a time, and returns how it ended.
 * Pages, not rows: a listing of tens of thousands of rows would otherwise spend its time passing rows along.
 */
export type Strategy = (run: ListingRun, criterion: Criterion) => AsyncGenerator<SearchCompanyDto[], StrategyOutcome>;

export function baseBody(run: ListingRun, overrides: Partial<SearchBody> = {}): SearchBody {
  return completeSearchBody({ pageSize: run.pageSize, ...overrides });
}

/** Pages of one strategy's search, counted and reported as progress. */
export async function* scanFor(run: ListingRun, strategy: StrategyName, body: SearchBody): AsyncGenerator<ScannedPage> {
  for await (const scanned of scanPages(run.search, body, { warn: (message) => run.warnings.push(message) })) {
    run.seen += scanned.page.results.length;
    run.onProgress?.({
      strategy,
      pageNumber: scanned.page.pageNumber,
      totalNumberOfPages: scanned.page.totalNumberOfPages,
      seen: run.seen,
      kept: run.kept,
    });
    yield scanned;
  }
}
