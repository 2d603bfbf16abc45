// Pages through a search (contract §4): pageNumber from the first page until pageNumber >= totalNumberOfPages
// or an empty page. It halves the page size when a server refuses it, and steps back when the number of
// matching rows shrinks mid-listing (offset paging would otherwise skip the rows that moved up).
import type { SearchBody, SearchPage } from '../contract/index.js';
import { ValidationError } from './errors.js';

export type SearchPageFn = (body: SearchBody) => Promise<SearchPage>;

export interface ScannedPage {
  page: SearchPage;
  /** True when this page re-reads positions already read (after rows disappeared mid-listing). */
  isRewind: boolean;
}

export interface PageScanOptions {
  warn?: (message: string) => void;
}

// Bounded loops: no listing needs more requests than this, and a misbehaving server cannot make one endless.
const MAX_REQUESTS = 100_000;
const MAX_REWINDS = 20;

/** Whether a 400 names a request field (in its message or validation messages, e.g. `pageSize: …`). */
export function blamesField(error: unknown, field: string): boolean {
  if (!(error instanceof ValidationError)) return false;
  const text = [error.message, ...error.validationMessages].join('\n').toLowerCase();
  return text.includes(field.toLowerCase());
}

export async function* scanPages(
  search: SearchPageFn,
  body: SearchBody,
  options: PageScanOptions = {},
): AsyncGenerator<ScannedPage> {
  const warn = options.warn ?? (() => {});
  let pageSize = body.pageSize;
  let pageNumber = body.pageNumber;
  let expectedTotal: number | undefined;
  let rewinds = 0;
  let isRewind = false;
  // One page is asked for ahead while the caller works on the current one, so the server and the client work
  // at the same time. Only a page the scan goes on to read is asked for; a stale one (after a rewind or a new
  // page size) is dropped.
  let ahead: { pageNumber: number; pageSize: number; page: Promise<SearchPage> } | undefined;
  const fetchPage = (number: number, size: number): Promise<SearchPage> => {
    const wanted = ahead?.pageNumber === number && ahead.pageSize === size ? ahead.page : undefined;
    ahead = undefined;
    return wanted ?? search({ ...body, pageNumber: number, pageSize: size });
  };
  for (let request = 0; request < MAX_REQUESTS; request++) {
    let page: SearchPage;
    try {
      page = await fetchPage(pageNumber, pageSize);
    } catch (error) {
      if (!blamesField(error, 'pageSize') || pageSize <= 1) throw error;
      const offset = (pageNumber - 1) * pageSize;
      pageSize = Math.floor(pageSize / 2);
      pageNumber = Math.floor(offset / pageSize) + 1;
      warn(`the server refused the page size; using ${pageSize}`);
      continue;
    }
    if (expectedTotal !== undefined && page.totalNumberOfRecords !== expectedTotal) {
      warn(
        `the number of matching companies changed during the listing (${expectedTotal} → ${page.totalNumberOfRecords})`,
      );
      const removed = expectedTotal - page.totalNumberOfRecords;
      expectedTotal = page.totalNumberOfRecords;
      if (removed > 0 && pageNumber > 1 && rewinds < MAX_REWINDS) {
        // Rows not yet read moved up by `removed` positions: read again from where they now start.
        rewinds++;
        pageNumber = Math.max(1, pageNumber - Math.ceil(removed / pageSize));
        isRewind = true;
        continue;
      }
    }
    expectedTotal ??= page.totalNumberOfRecords;
    const isLast = page.results.length === 0 || pageNumber >= page.totalNumberOfPages;
    if (!isLast) {
      const next = search({ ...body, pageNumber: pageNumber + 1, pageSize });
      next.catch(() => {}); // a failure surfaces when the page is read, not as an unhandled rejection
      ahead = { pageNumber: pageNumber + 1, pageSize, page: next };
    }
    yield { page, isRewind };
    isRewind = false;
    if (isLast) return;
    pageNumber++;
  }
  warn(`stopped after ${MAX_REQUESTS} pages`);
}
