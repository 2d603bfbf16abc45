// The chooser: server filter first (cheapest), then an ordered scan, then a full scan. Every row a strategy
// yields has been checked on the client, so rows kept before a switch stay right; the next strategy finds them
// again and the de-duplication by companyResourceId drops the repeats.
import type { SearchCompanyDto } from '../../contract/index.js';
import type { Criterion } from './criterion.js';
import { fullScan } from './full-scan.js';
import type { ListingRun, Strategy, StrategyName } from './listing-run.js';
import { orderedScan } from './ordered-scan.js';
import { serverFilter } from './server-filter.js';

export interface ChosenStrategy {
  name: StrategyName;
  /** Why this strategy: the earlier ones' failures, then how this one worked. */
  reason: string;
}

const STRATEGIES: readonly [StrategyName, Strategy][] = [
  ['server-filter', serverFilter],
  ['ordered-scan', orderedScan],
  ['full-scan', fullScan],
];

/** The matching rows, a page at a time, each row once; returns the strategy that completed the listing. */
export async function* listMatching(
  run: ListingRun,
  criterion: Criterion,
): AsyncGenerator<SearchCompanyDto[], ChosenStrategy> {
  const kept = new Set<string>();
  const fallbacks: string[] = [];
  for (const [name, strategy] of STRATEGIES) {
    const rows = strategy(run, criterion);
    for (let step = await rows.next(); ; step = await rows.next()) {
      if (step.done) {
        if (step.value.isComplete) return { name, reason: [...fallbacks, step.value.reason].join('; ') };
        fallbacks.push(step.value.reason);
        break;
      }
      const fresh = step.value.filter((company) => {
        const before = kept.size;
        return kept.add(company.companyResourceId).size > before; // one lookup: added means not seen before
      });
      run.kept = kept.size;
      if (fresh.length > 0) yield fresh;
    }
  }
  // The full scan always completes or throws; reaching here would be a bug in the table above.
  throw new Error(`no strategy completed: ${fallbacks.join('; ')}`);
}
