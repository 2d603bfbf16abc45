// The listings `lapse ui` has fetched, kept for a few minutes so paging, sorting, filtering and downloads are
// answered from memory; concurrent requests for the same listing share one fetch.
export interface ListingCacheOptions {
  /** How long a listing stays fresh. */
  ttlMs: number;
  /** Listings kept at most (each can hold many rows); the oldest goes first. */
  maxEntries: number;
  /** Monotonic milliseconds; the wall clock may be pinned. */
  clock?: () => number;
}

interface Entry<T> {
  listing: Promise<T>;
  fetchedAt: number;
}

export interface ListingCache<T> {
  /** The listing under `key`, fetched with `fetchListing` when absent or stale. */
  get(key: string, fetchListing: () => Promise<T>): Promise<T>;
  clear(): void;
}

export function createListingCache<T>(options: ListingCacheOptions): ListingCache<T> {
  const clock = options.clock ?? (() => performance.now());
  const entries = new Map<string, Entry<T>>();
  return {
    get(key, fetchListing) {
      const cached = entries.get(key);
      if (cached && clock() - cached.fetchedAt < options.ttlMs) return cached.listing;
      entries.delete(key);
      const listing = fetchListing();
      const entry = { listing, fetchedAt: clock() };
      entries.set(key, entry);
      // A failure is not remembered: the next request asks the API again.
      listing.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      for (const oldest of entries.keys()) {
        if (entries.size <= options.maxEntries) break;
        entries.delete(oldest);
      }
      return listing;
    },
    clear: () => entries.clear(),
  };
}
