// A search row as an array of its values, in the order of SEARCH_ROW_COLUMNS: how searches and exports read
// rows from the database. An array costs the driver far less to build than an object with named properties.
import { SEARCH_ROW_COLUMNS, type SearchRow } from './search-query.js';

export type SearchRowValues = readonly unknown[];

type ColumnName = (typeof SEARCH_ROW_COLUMNS)[number];

const POSITION = Object.fromEntries(SEARCH_ROW_COLUMNS.map((column, index) => [column, index])) as Record<
  ColumnName,
  number
>;

/** One column's value. */
export function columnValue<C extends ColumnName>(values: SearchRowValues, column: C): SearchRow[C] {
  return values[POSITION[column]] as SearchRow[C];
}

/** A row read as an object, as values. */
export function searchRowValuesOf(row: SearchRow): SearchRowValues {
  return SEARCH_ROW_COLUMNS.map((column) => row[column]);
}
