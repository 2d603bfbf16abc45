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
/** Pages asked for ahead of the one being read. */
const PAGES_AHEAD = 2;

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
  // The next pages are asked for while the caller works on the current one: two, so that the server has the
  // next request in hand the moment it finishes one, rather than waiting for this client to read the page and
  // ask again. Only pages that exist are asked for; all are dropped after a rewind or a new page size.
  let ahead = new Map<number, Promise<SearchPage>>();
  const ask = (number: number) => search({ ...body, pageNumber: number, pageSize });
  const fetchPage = (number: number): Promise<SearchPage> => {
    const wanted = ahead.get(number);
    ahead.delete(number);
    return wanted ?? ask(number);
  };
  const askAhead = (after: number, lastPage: number) => {
    for (let number = after + 1; number <= Math.min(after + PAGES_AHEAD, lastPage); number++) {
      if (ahead.has(number)) continue;
      const next = ask(number);
      next.catch(() => {}); // a failure surfaces when the page is read, not as an unhandled rejection
      ahead.set(number, next);
    }
  };
  for (let request = 0; request < MAX_REQUESTS; request++) {
    let page: SearchPage;
    try {
      page = await fetchPage(pageNumber);
    } catch (error) {
      if (!blamesField(error, 'pageSize') || pageSize <= 1) throw error;
      const offset = (pageNumber - 1) * pageSize;
      ahead = new Map();
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
        ahead = new Map();
        pageNumber = Math.max(1, pageNumber - Math.ceil(removed / pageSize));
        isRewind = true;
        continue;
      }
    }
    expectedTotal ??= page.totalNumberOfRecords;
    const isLast = page.results.length === 0 || pageNumber >= page.totalNumberOfPages;
    if (!isLast) {
      askAhead(pageNumber, page.totalNumberOfPages);
      // Let the requests go out before the caller's work on this page holds the thread: the token check and the
      // fetch take several turns of the event loop, and a request still waiting for them gains nothing.
      await new Promise((resolve) => setImmediate(resolve));
    }
    yield { page, isRewind };
    isRewind = false;
    if (isLast) return;
    pageNumber++;
  }
  warn(`stopped after ${MAX_REQUESTS} pages`);
}
