// Rows as arrays of their values, in the order their select names the columns: how searches and exports read
// rows from the database. An array costs the driver far less to build than an object with named properties.
import { type CompanyRow, EXPORT_ROW_COLUMNS, SEARCH_ROW_COLUMNS, type SearchRow } from './search-query.js';

export type RowValues = readonly unknown[];
/** A search row's values, in the order of SEARCH_ROW_COLUMNS. */
export type SearchRowValues = RowValues;
/** An exported row's values, in the order of EXPORT_ROW_COLUMNS. */
export type ExportRowValues = RowValues;

/** Reads columns of rows selected as `columns`, by name. */
function valuesReader<C extends keyof CompanyRow>(columns: readonly C[]) {
  const position = Object.fromEntries(columns.map((column, index) => [column, index])) as Record<C, number>;
  return <K extends C>(values: RowValues, column: K): CompanyRow[K] => values[position[column]] as CompanyRow[K];
}

export const columnValue = valuesReader(SEARCH_ROW_COLUMNS);
export const exportColumnValue = valuesReader(EXPORT_ROW_COLUMNS);

/** A row read as an object, as values. */
export function searchRowValuesOf(row: SearchRow): SearchRowValues {
  return SEARCH_ROW_COLUMNS.map((column) => row[column]);
}
