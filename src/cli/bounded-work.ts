// Work over a list with at most `limit` items in flight: the CLI's parallel reads (several profiles, a record per
// company) without flooding a server or opening a connection per item.

/**
 * Runs `work` for every item, at most `limit` at once, started in the list's order; rejects with the first
 * failure.
 */
export async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) await work(items[index] as T, index);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
