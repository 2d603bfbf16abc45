// The controls over a view: text search, reseller, renewal window, time zone, as-of day, and the downloads
// (plain links to the export route, so they carry exactly the filter on screen).
import type { ViewName } from '../../contract/index.js';

const WITHIN_CHOICES = [7, 14, 30, 60, 90, 180, 365] as const;

export interface FilterValues {
  view: ViewName;
  searchText: string;
  reseller: string;
  withinDays: number;
  timeZone: string;
  asOf: string;
}

interface FilterBarProps {
  values: FilterValues;
  resellers: string[];
  timeZones: string[];
  /** The day in use when no as-of day is chosen ("today" in the time zone). */
  resolvedAsOf: string | undefined;
  exportParams: string;
  onChange(change: Partial<FilterValues>): void;
}

export function FilterBar({ values, resellers, timeZones, resolvedAsOf, exportParams, onChange }: FilterBarProps) {
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
      <label class="field">
        <span class="field-label">Reseller</span>
        <select value={values.reseller} onChange={(e) => onChange({ reseller: e.currentTarget.value })}>
          <option value="">All resellers</option>
          {/* A chosen reseller stays listed while another view without its companies is shown. */}
          {values.reseller !== '' && !resellers.includes(values.reseller) && (
            <option value={values.reseller}>{values.reseller}</option>
          )}
          {resellers.map((name) => (
            <option key={name} value={name}>
              {name}
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
      <label class="field field-date">
        <span class="field-label">As of</span>
        <span class="date-row">
          <input
            type="date"
            value={values.asOf || resolvedAsOf || ''}
            onChange={(e) => onChange({ asOf: e.currentTarget.value })}
          />
          {values.asOf !== '' && (
            <button type="button" class="button button-quiet" onClick={() => onChange({ asOf: '' })}>
              Today
            </button>
          )}
        </span>
      </label>
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
