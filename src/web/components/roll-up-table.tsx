// Totals per reseller, licence type or lifecycle state of what needs attention on the day (the CLI's --group-by
// totals). A group's name lists its companies in the view shown; a count lists them in that count's view.
import {
  type DashboardRollUp,
  type LifecycleState,
  ROLL_UP_KEYS,
  type RollUpKey,
  type RollUpRow,
  type ViewName,
} from '../../contract/index.js';
import { formatNumber } from '../format.js';
import { STATE_TITLES } from './lifecycle-state.js';

const KEY_TITLES: Record<RollUpKey, string> = {
  reseller: 'Reseller',
  'licence-type': 'Licence type',
  state: 'Lifecycle state',
};

/** The filter a group drills down to, and the view a count's button opens (none: keep the view shown). */
export interface Drill {
  groupBy: RollUpKey;
  key: string;
  view: ViewName | undefined;
}

interface RollUpTableProps {
  rollUp: DashboardRollUp | undefined;
  groupBy: RollUpKey;
  /** The filter value of the group the list is narrowed to, if any. */
  selectedKey: string;
  onGroupBy(groupBy: RollUpKey): void;
  onDrill(drill: Drill): void;
}

const COUNTS: { view: ViewName; title: (within: number) => string; value: (row: RollUpRow) => number }[] = [
  { view: 'expired', title: () => 'Expired', value: (row) => row.expired },
  { view: 'renewing', title: (within) => `Renewing ≤ ${within} d`, value: (row) => row.renewing },
  { view: 'over-limit', title: () => 'Over limit', value: (row) => row.overLimit },
];

const HEAD = 'roll-up-cell roll-up-head';
const CELL = 'roll-up-cell';
const NUMBER = 'roll-up-cell numeric';

const groupName = (groupBy: RollUpKey, name: string) =>
  groupBy === 'state' ? (STATE_TITLES[name as LifecycleState] ?? name) : name;

export function RollUpTable({ rollUp, groupBy, selectedKey, onGroupBy, onDrill }: RollUpTableProps) {
  const shown = rollUp?.groupBy === groupBy ? rollUp : undefined;
  const within = shown?.withinDays ?? 30;
  return (
    <section class="card roll-up-card" aria-labelledby="roll-up-title">
      <div class="card-head">
        <h2 id="roll-up-title">Roll-up</h2>
        <span class="roll-up-key">
          <span class="card-note">by</span>
          <select
            aria-label="Group the roll-up by"
            value={groupBy}
            onChange={(e) => onGroupBy(e.currentTarget.value as RollUpKey)}
          >
            {ROLL_UP_KEYS.map((key) => (
              <option key={key} value={key}>
                {KEY_TITLES[key]}
              </option>
            ))}
          </select>
        </span>
        <span class="card-note">companies expired, renewing or over the limit; choose a row to list them</span>
      </div>
      <div class="roll-up-wrap" aria-busy={shown === undefined}>
        {shown === undefined ? (
          <div class="chart-loading">Loading totals…</div>
        ) : (
          <table class="roll-up" data-group-by={shown.groupBy}>
            <thead>
              <tr>
                <th scope="col" class={HEAD}>
                  {KEY_TITLES[shown.groupBy]}
                </th>
                <th scope="col" class={`${HEAD} numeric`}>
                  Companies
                </th>
                {COUNTS.map((count) => (
                  <th scope="col" class={`${HEAD} numeric`} key={count.view}>
                    {count.title(within)}
                  </th>
                ))}
                <th scope="col" class={`${HEAD} numeric`}>
                  Seats affected
                </th>
              </tr>
            </thead>
            <tbody>
              {shown.groups.map((row) => {
                const { key } = row;
                return (
                  <tr
                    key={row.name}
                    data-group={row.name}
                    class={key !== null && key === selectedKey ? 'roll-up-row is-open' : 'roll-up-row'}
                  >
                    <th scope="row" class={CELL}>
                      {key === null ? (
                        groupName(shown.groupBy, row.name)
                      ) : (
                        <button
                          type="button"
                          class="roll-up-group"
                          onClick={() => onDrill({ groupBy: shown.groupBy, key, view: undefined })}
                        >
                          {groupName(shown.groupBy, row.name)}
                        </button>
                      )}
                    </th>
                    <td class={NUMBER} data-count="companies">
                      {formatNumber(row.companies)}
                    </td>
                    {COUNTS.map((count) => (
                      <td class={NUMBER} key={count.view} data-count={count.view}>
                        {key === null || count.value(row) === 0 ? (
                          formatNumber(count.value(row))
                        ) : (
                          <button
                            type="button"
                            class="roll-up-count"
                            title={`List the ${formatNumber(count.value(row))} in ${groupName(shown.groupBy, row.name)}`}
                            onClick={() => onDrill({ groupBy: shown.groupBy, key, view: count.view })}
                          >
                            {formatNumber(count.value(row))}
                          </button>
                        )}
                      </td>
                    ))}
                    <td class={NUMBER} data-count="seats">
                      {formatNumber(row.seatsAffected)}
                    </td>
                  </tr>
                );
              })}
            </tbody>
            <tfoot>
              <tr data-group="Total">
                <th scope="row" class={`${CELL} roll-up-foot`}>
                  Total
                </th>
                <td class={`${NUMBER} roll-up-foot`}>{formatNumber(shown.total.companies)}</td>
                {COUNTS.map((count) => (
                  <td class={`${NUMBER} roll-up-foot`} key={count.view}>
                    {formatNumber(count.value({ ...shown.total, name: '', key: null }))}
                  </td>
                ))}
                <td class={`${NUMBER} roll-up-foot`}>{formatNumber(shown.total.seatsAffected)}</td>
              </tr>
            </tfoot>
          </table>
        )}
      </div>
    </section>
  );
}
