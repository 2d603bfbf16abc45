// How long the expired have been overdue and how soon the others are due, in the ageing buckets; each bucket is a
// button that filters the table to its companies.
import { AGEING_BUCKETS, type AgeingBucketId, type AgeingCount } from '../../contract/index.js';
import { formatNumber } from '../format.js';

interface AgeingBucketsProps {
  ageing: AgeingCount[] | undefined;
  selected: AgeingBucketId | '';
  onSelect(bucket: (typeof AGEING_BUCKETS)[number]): void;
}

const SIDES = [
  { view: 'expired', title: 'Overdue', tone: 'overdue' },
  { view: 'renewing', title: 'Due', tone: 'soon' },
] as const;

export function AgeingBuckets({ ageing, selected, onSelect }: AgeingBucketsProps) {
  const countOf = (id: AgeingBucketId) => ageing?.find((entry) => entry.bucket === id)?.count;
  const largest = Math.max(1, ...(ageing ?? []).map((entry) => entry.count));
  return (
    <section class="card ageing-card" aria-labelledby="ageing-title">
      <div class="card-head">
        <h2 id="ageing-title">Ageing</h2>
        <span class="card-note">days overdue and days left, from the as-of day</span>
      </div>
      <div class="ageing-sides">
        {SIDES.map((side) => (
          <div class={`ageing-side ageing-${side.tone}`} key={side.view}>
            <h3>{side.title}</h3>
            <div class="ageing-buckets">
              {AGEING_BUCKETS.filter((bucket) => bucket.view === side.view).map((bucket) => {
                const count = countOf(bucket.id);
                return (
                  <button
                    key={bucket.id}
                    type="button"
                    class="ageing-bucket"
                    data-bucket={bucket.id}
                    aria-pressed={selected === bucket.id}
                    onClick={() => onSelect(bucket)}
                  >
                    <span class="ageing-label">{bucket.label}</span>
                    <span class="ageing-count" data-count={count}>
                      {count === undefined ? '…' : formatNumber(count)}
                    </span>
                    <span class="ageing-meter" aria-hidden="true">
                      <span style={{ width: `${((count ?? 0) / largest) * 100}%` }} />
                    </span>
                  </button>
                );
              })}
            </div>
          </div>
        ))}
      </div>
    </section>
  );
}
