// String formats the contract's schemas name, registered for TypeBox checks (the server's Ajv knows them already),
// and the date-times the filter language reads.
import { FormatRegistry } from '@sinclair/typebox';
import { parseDay, parseInstant } from './calendar-day.js';

/** RFC 3339 date-time with a zone, as every DTO date field is written (`Date#toISOString()` among them). */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (value) => DATE_TIME.test(value));

/** A date-time without a zone, as the vendor UI sends it (`2026-12-01T00:00:00`). */
const ZONELESS_DATE_TIME = /^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,9})?)?$/i;

/** contract §4 date values: a date-time with `Z`, an offset, or no zone (a UTC instant); epoch ms or undefined. */
export function parseDateTime(text: string): number | undefined {
  if (!ZONELESS_DATE_TIME.test(text)) return parseInstant(text);
  if (parseDay(text.slice(0, 10)) === undefined) return undefined;
  // Seconds past nine digits of fraction would make Date.parse refuse the text; three are all it keeps anyway.
  const ms = Date.parse(`${text.replace(/(\.\d{3})\d+$/, '$1')}Z`);
  return Number.isNaN(ms) ? undefined : ms;
}

/** The forms a date value may take, for the 400 that refuses one. */
export const DATE_VALUE_FORM =
  'an ISO-8601 date: YYYY-MM-DD, or YYYY-MM-DDTHH:mm:ss with Z, an offset (+02:00) or no zone (UTC)';
