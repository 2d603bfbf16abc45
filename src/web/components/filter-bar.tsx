// The controls over a view: text search, reseller, licence type, lifecycle state, renewal window, time zone, as-of day, the chart bar or ageing
// bucket the rows are narrowed to, and the downloads (plain links to the export route, so they carry exactly the
// filter on screen).
import { LIFECYCLE_STATES, type LifecycleState, type ViewName } from '../../contract/index.js';
import { DayField } from './day-input.js';
import { STATE_TITLES } from './lifecycle-state.js';

const WITHIN_CHOICES = [7, 14, 30, 60, 90, 180, 365] as const;

export interface FilterValues {
  view: ViewName;
  searchText: string;
  reseller: string;
  withinDays: number;
  timeZone: string;
  asOf: string;
  licenceType: string;
  state: LifecycleState | '';
}

interface FilterBarProps {
  values: FilterValues;
  resellers: string[];
  licenceTypes: string[];
  timeZones: string[];
  /** The day in use when no as-of day is chosen ("today" in the time zone). */
  resolvedAsOf: string | undefined;
  exportParams: string;
  /** What the rows are narrowed to by the chart or the ageing buckets ("Renewal month: March 2026"), if anything. */
  rangeLabel: string | undefined;
  onChange(change: Partial<FilterValues>): void;
  onClearRange(): void;
}

interface NameChoiceProps {
  label: string;
  /** The choice of every name. */
  all: string;
  value: string;
  names: string[];
  onChoose(name: string): void;
}

/** One of the names in the view (a reseller, a licence type), or all of them. */
function NameChoice({ label, all, value, names, onChoose }: NameChoiceProps) {
  return (
    <label class="field">
      <span class="field-label">{label}</span>
      <select value={value} onChange={(e) => onChoose(e.currentTarget.value)}>
        <option value="">{all}</option>
        {/* A chosen name stays listed while another view without its companies is shown. */}
        {value !== '' && !names.includes(value) && <option value={value}>{value}</option>}
        {names.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}

export function FilterBar(props: FilterBarProps) {
  const { values, resellers, licenceTypes, timeZones, resolvedAsOf, exportParams, rangeLabel, onChange, onClearRange } =
    props;
  const shownAsOf = values.asOf || resolvedAsOf || '';
  return (
    <div class="filter-bar">
      <label class="field field-search">
        <span class="field-label">Search</span>
        <input
          type="search"
          placeholder="Company or reseller name"
          value={values.searchText}
          onInput={(e) => onChange({ searchText: e.currentTarget.value })}
        />
      </label>
      <NameChoice
        label="Reseller"
        all="All resellers"
        value={values.reseller}
        names={resellers}
        onChoose={(reseller) => onChange({ reseller })}
      />
      <NameChoice
        label="Licence type"
        all="All types"
        value={values.licenceType}
        names={licenceTypes}
        onChoose={(licenceType) => onChange({ licenceType })}
      />
      <label class="field">
        <span class="field-label">Lifecycle</span>
        <select
          value={values.state}
          onChange={(e) => onChange({ state: e.currentTarget.value as LifecycleState | '' })}
        >
          <option value="">All states</option>
          {LIFECYCLE_STATES.map((state) => (
            <option key={state} value={state}>
              {STATE_TITLES[state]}
            </option>
          ))}
        </select>
      </label>
      {values.view === 'renewing' && (
        <label class="field">
          <span class="field-label">Renewing within</span>
          <select
            value={String(values.withinDays)}
            onChange={(e) => onChange({ withinDays: Number(e.currentTarget.value) })}
          >
            {/* A window a chart bar chose stays listed beside the usual ones. */}
            {!WITHIN_CHOICES.some((days) => days === values.withinDays) && (
              <option value={String(values.withinDays)}>{values.withinDays} days</option>
            )}
            {WITHIN_CHOICES.map((days) => (
              <option key={days} value={String(days)}>
                {days} days
              </option>
            ))}
          </select>
        </label>
      )}
      <label class="field">
        <span class="field-label">Time zone</span>
        <select value={values.timeZone} onChange={(e) => onChange({ timeZone: e.currentTarget.value })}>
          {timeZones.map((zone) => (
            <option key={zone} value={zone}>
              {zone.replaceAll('_', ' ')}
            </option>
          ))}
        </select>
      </label>
      <DayField label="As of" value={shownAsOf} onChange={(asOf) => onChange({ asOf })} dataName="as-of">
        {values.asOf !== '' && (
          <button type="button" class="button button-quiet" onClick={() => onChange({ asOf: '' })}>
            Today
          </button>
        )}
      </DayField>
      {rangeLabel !== undefined && (
        <div class="field">
          <span class="field-label">Narrowed to</span>
          <span class="range-chip" data-range>
            {rangeLabel}
            <button
              type="button"
              class="range-clear"
              aria-label={`Show all, not only ${rangeLabel}`}
              onClick={onClearRange}
            >
              ✕
            </button>
          </span>
        </div>
      )}
      <div class="field field-export">
        <span class="field-label">Download</span>
        <span class="export-buttons">
          <a class="button" href={`/ui-api/export?format=csv&${exportParams}`} download data-export="csv">
            CSV
          </a>
          <a class="button" href={`/ui-api/export?format=xlsx&${exportParams}`} download data-export="xlsx">
            Excel
          </a>
        </span>
      </div>
    </div>
  );
}
