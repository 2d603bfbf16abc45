// The expired-licence engine: expired(), renewing() and exceedingLimit(), each as a collected listing or as a
// stream of rows for large listings.
import {
  type CalendarDay,
  dayOf,
  isValidTimeZone,
  MAX_PAGE_SIZE,
  parseDay,
  type SearchCompanyDto,
} from '../../contract/index.js';
import { ValidationError } from '../errors.js';
import type { SearchPageFn } from '../paginate.js';
import { type ChosenStrategy, listMatching } from './choose-strategy.js';
import { type Criterion, createdWithin, exceedingLimit, expiredOn, renewingWithin } from './criterion.js';
import type { ListingProgress, ListingRun } from './listing-run.js';

export type { ChosenStrategy } from './choose-strategy.js';
export type { ListingProgress, StrategyName } from './listing-run.js';

export interface ListingOptions {
  /** The day D to evaluate on; default: today in `timeZone` by the client's clock. */
  asOf?: CalendarDay;
  /** IANA time zone that decides "today" (default UTC); renewal days stay UTC days (contract §4). */
  timeZone?: string;
  /** Rows per page (default 1000, the contract's maximum; halved when a server refuses it). */
  pageSize?: number;
  onProgress?: (progress: ListingProgress) => void;
}

export interface RenewingOptions extends ListingOptions {
  /** Keep renewal days from D through D + withinDays, both included. */
  withinDays: number;
}

export interface CreatedWithinOptions extends ListingOptions {
  /** Keep companies created from D − withinDays through D, both included. */
  withinDays: number;
}

export interface ListingSummary {
  strategy: ChosenStrategy;
  asOf: CalendarDay;
  timeZone: string;
  /** Rows the server sent, across every strategy tried. */
  totalSeen: number;
  warnings: string[];
}

export interface Listing extends ListingSummary {
  companies: SearchCompanyDto[];
}

/** Rows as they are found; `summary` is filled once iteration has finished. */
export interface ListingStream extends AsyncIterable<SearchCompanyDto> {
  readonly summary: ListingSummary | undefined;
  /** The same rows a page at a time (what `for await` over the stream flattens). */
  pages(): AsyncIterable<SearchCompanyDto[]>;
}

export interface LicenceListings {
  expired(options?: ListingOptions): Promise<Listing>;
  renewing(options: RenewingOptions): Promise<Listing>;
  exceedingLimit(options?: ListingOptions): Promise<Listing>;
  /** Recently created companies, newest first. */
  createdWithin(options: CreatedWithinOptions): Promise<Listing>;
  streamExpired(options?: ListingOptions): ListingStream;
  streamRenewing(options: RenewingOptions): ListingStream;
  streamExceedingLimit(options?: ListingOptions): ListingStream;
}

function resolveDay(options: ListingOptions, now: () => number): { asOf: CalendarDay; timeZone: string } {
  const timeZone = options.timeZone ?? 'UTC';
  if (!isValidTimeZone(timeZone)) throw new ValidationError(`unknown time zone "${timeZone}"`);
  if (options.asOf !== undefined && parseDay(options.asOf) === undefined) {
    throw new ValidationError(`"${options.asOf}" is not a YYYY-MM-DD day`);
  }
  return { asOf: options.asOf ?? dayOf(now(), timeZone), timeZone };
}

function streamListing(
  search: SearchPageFn,
  criterion: Criterion,
  day: { asOf: CalendarDay; timeZone: string },
  options: ListingOptions,
): ListingStream {
  let summary: ListingSummary | undefined;
  const run: ListingRun = {
    search,
    pageSize: Math.min(MAX_PAGE_SIZE, Math.max(1, options.pageSize ?? MAX_PAGE_SIZE)),
    warnings: [],
    seen: 0,
    kept: 0,
    onProgress: options.onProgress,
  };
  async function* pages() {
    const found = listMatching(run, criterion);
    for (let step = await found.next(); ; step = await found.next()) {
      if (step.done) {
        summary = { strategy: step.value, ...day, totalSeen: run.seen, warnings: run.warnings };
        return;
      }
      yield step.value;
    }
  }
  return {
    get summary() {
      return summary;
    },
    pages,
    async *[Symbol.asyncIterator]() {
      for await (const page of pages()) yield* page;
    },
  };
}

async function collect(stream: ListingStream, criterion: Criterion): Promise<Listing> {
  const order = criterion.order();
  for await (const page of stream.pages()) order.add(page);
  if (stream.summary === undefined) throw new Error('listing ended without a summary');
  return { ...stream.summary, companies: order.sorted() };
}

export function createLicenceListings(search: SearchPageFn, now: () => number): LicenceListings {
  const open = (options: ListingOptions, criterionOn: (asOf: CalendarDay) => Criterion) => {
    const day = resolveDay(options, now);
    const criterion = criterionOn(day.asOf);
    return { criterion, stream: streamListing(search, criterion, day, options) };
  };
  const expired = (options: ListingOptions = {}) => open(options, expiredOn);
  const assertWithinDays = (withinDays: number) => {
    if (!Number.isInteger(withinDays) || withinDays < 0) {
      throw new ValidationError(`withinDays must be a whole number of days, 0 or more (got ${withinDays})`);
    }
  };
  const renewing = (options: RenewingOptions) => {
    assertWithinDays(options.withinDays);
    return open(options, (asOf) => renewingWithin(asOf, options.withinDays));
  };
  const created = (options: CreatedWithinOptions) => {
    assertWithinDays(options.withinDays);
    return open(options, (asOf) => createdWithin(asOf, options.withinDays));
  };
  const overLimit = (options: ListingOptions = {}) => open(options, exceedingLimit);
  const collected =
    <O>(make: (options: O) => { criterion: Criterion; stream: ListingStream }) =>
    (options: O) => {
      const { criterion, stream } = make(options);
      return collect(stream, criterion);
    };
  return {
    expired: collected(expired),
    renewing: collected(renewing),
    exceedingLimit: collected(overLimit),
    createdWithin: collected(created),
    streamExpired: (options) => expired(options).stream,
    streamRenewing: (options) => renewing(options).stream,
    streamExceedingLimit: (options) => overLimit(options).stream,
  };
}
