// A day chosen with the browser's own date picker, shown as the rest of the page writes days ("9 Mar 2026"):
// the native input lies invisible over the text, since it would write the browser's locale format instead.
import type { ComponentChildren } from 'preact';
import { formatDay } from '../format.js';

interface DayFieldProps {
  label: string;
  /** YYYY-MM-DD, or empty. */
  value: string;
  onChange(day: string): void;
  /** Marks the text for tests and styles (`data-as-of`, `data-since-day`). */
  dataName: string;
  /** Beside the day (a button that clears it). */
  children?: ComponentChildren;
}

export function DayField({ label, value, onChange, dataName, children }: DayFieldProps) {
  return (
    <label class="field field-date">
      <span class="field-label">{label}</span>
      <span class="date-row">
        <span class="date-control">
          <input
            type="date"
            class="date-native"
            value={value}
            onClick={(e) => e.currentTarget.showPicker?.()}
            onChange={(e) => onChange(e.currentTarget.value)}
          />
          <span class="date-text" aria-hidden="true" {...{ [`data-${dataName}`]: value }}>
            {value === '' ? '—' : formatDay(value)}
          </span>
        </span>
        {children}
      </span>
    </label>
  );
}
