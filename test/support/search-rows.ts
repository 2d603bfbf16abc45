// Arbitrary search rows for property tests: any text (lone surrogates, control characters, quotes and astral
// characters included), nulls, counts, renewal instants at and around midnight, any tags.
import fc from 'fast-check';
import { utcDayStartOf } from '../../src/contract/index.js';

// From 1900 to 2200: old creation dates and far renewals, across month, year and leap-day ends.
export const instantArbitrary = fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) });
// Midnights too, where "expired" and the day's text change.
const renewalInstant = fc.oneof(instantArbitrary, instantArbitrary.map(utcDayStartOf));
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ unit: codeUnit, maxLength: 12 }));
const count = fc.integer({ min: 0, max: 2_000_000 });

export const searchRowArbitrary = fc.record({
  id: fc.nat(),
  parent_id: fc.option(fc.nat()),
  resource_id: text,
  name: text,
  reseller_name: fc.option(text),
  industry_name: fc.option(text),
  industry_resource_id: fc.option(text),
  license_type_name: fc.option(text),
  license_type_resource_id: fc.option(text),
  is_number_of_users_limited: fc.constantFrom(0, 1),
  number_of_users: count,
  license_end_at: fc.option(renewalInstant),
  created_at: instantArbitrary,
  target_user_count: count,
  inactive_target_user_count: count,
  deleted_target_user_count: count,
  monthly_active_user_count: count,
  tags: fc.array(text, { maxLength: 4 }).map((tags) => JSON.stringify(tags)),
  privacy_duration_id: fc.nat(9),
});

/** A stored search row (the columns of SEARCH_ROW_COLUMNS), as the arbitrary makes them. */
export type SearchRow = typeof searchRowArbitrary extends fc.Arbitrary<infer R> ? R : never;
