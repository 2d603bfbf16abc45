// How a record (a DTO, an export row) is made of stored company columns: each field names the columns it reads and
// says once how their values become its value, in the server (from row values) and in SQL (as JSON written by the
// database). A record is a table of such fields, typed by the record it builds: a field missing from the table,
// one too many, or one of the wrong type does not compile. company-records.ts holds the tables.
import { type RawBuilder, type Selectable, sql } from 'kysely';
import { type ExportCellKind, isExpiredAt } from '../../contract/index.js';
import type { CompaniesTable, SqlCsv, SqlJson } from '../db/index.js';
import { expiredSql } from '../db/index.js';

type Stored = Selectable<CompaniesTable>;
export type Column = keyof Stored & string;
type ColumnsOf<V> = { [C in Column]: Stored[C] extends V ? C : never }[Column];

/** What a value depends on beyond its row: the day that decides "expired" (contract §4: today, UTC). */
export interface RecordContext {
  todayStartMs: number;
}

type Sql = RawBuilder<unknown>;

/** Reads a field's value from a row's values, its columns' positions in the row already known. */
type BoundValue<T> = (row: readonly unknown[], context: RecordContext) => T;

export interface Field<T> {
  readonly columns: readonly Column[];
  /** The value's reader for rows holding `columns` at the positions `at`. */
  bind(at: readonly number[]): BoundValue<T>;
}

/** A field the database can also write as JSON. */
export interface JsonField<T> extends Field<T> {
  /** The value as SQL JSON; `refs` are the `columns` as column references. */
  json(json: SqlJson, refs: readonly Sql[], context: RecordContext): Sql;
}

/** A field the database can also compute, for an export whose CSV the database writes (see SqlCsv). */
export interface SqlField<T> extends Field<T> {
  /** The value in SQL (a condition for a boolean); `refs` are the `columns` as column references. */
  sql(csv: SqlCsv, refs: readonly Sql[], context: RecordContext): Sql;
}

const one = <T>(column: Column, value: (stored: never) => T, json: JsonField<T>['json']): JsonField<T> => ({
  columns: [column],
  bind([position]) {
    return (row) => value(row[position as number] as never);
  },
  json,
});

const asIs = (_json: SqlJson, [ref]: readonly Sql[]) => ref as Sql;

/** A column's value as it is: text, null, an integer. */
export function plain<C extends Column>(column: C): JsonField<Stored[C]> & SqlField<Stored[C]> {
  return { ...one(column, (stored: Stored[C]) => stored, asIs), sql: (_csv, [ref]) => ref as Sql };
}

/** A 0/1 column as a boolean. */
export function flag(column: ColumnsOf<number>): JsonField<boolean> {
  return one(
    column,
    (stored: number) => stored !== 0,
    (json, [ref]) => json.boolean(sql`${ref} <> 0`),
  );
}

/** An integer column as its decimal text (contract §4: the search DTO's licence limit is a string). */
export function decimalText(column: ColumnsOf<number>): JsonField<string> {
  return one(
    column,
    (stored: number) => String(stored),
    (json, [ref]) => json.decimalText(ref as Sql),
  );
}

/** Epoch ms as an ISO-8601 UTC date-time. */
export function instant(column: ColumnsOf<number>): JsonField<string> {
  return one(
    column,
    (stored: number) => new Date(stored).toISOString(),
    (json, [ref]) => json.isoInstant(ref as Sql),
  );
}

/** Epoch ms or null as an ISO-8601 UTC date-time or null. */
export function nullableInstant(column: ColumnsOf<number | null>): JsonField<string | null> {
  return one(
    column,
    (stored: number | null) => (stored === null ? null : new Date(stored).toISOString()),
    (json, [ref]) => json.isoInstant(ref as Sql),
  );
}

/** A stored JSON array of strings (tags, modules) as that array. */
export function parseTextList(stored: string): string[] {
  if (stored === '[]') return []; // most companies: no JSON to parse
  const list: unknown = JSON.parse(stored);
  return Array.isArray(list) ? list.map(String) : [];
}

export function textList(column: ColumnsOf<string>): JsonField<string[]> {
  return one(column, parseTextList, (json, [ref]) => json.embed(ref as Sql));
}

/** contract §4: expired on the context's day, decided on the renewal instant. */
export function expiredOnToday(column: ColumnsOf<number | null>): JsonField<boolean> & SqlField<boolean> {
  return {
    columns: [column],
    bind([position]) {
      return (row, context) => isExpiredAt(row[position as number] as number | null, context.todayStartMs);
    },
    json: (json, [ref], context) => json.boolean(expiredSql(ref as Sql, context.todayStartMs)),
    sql: (_csv, [ref], context) => expiredSql(ref as Sql, context.todayStartMs),
  };
}

/** A field that is always the same value. */
export function constant<T extends null>(value: T): JsonField<T> {
  return { columns: [], bind: () => () => value, json: () => sql.lit(value) };
}

/**
 * A field made of several columns, or changed on the way: `value` in the server, `inSql` the same in SQL (with
 * the pieces of SqlCsv). A record of such fields has no SQL JSON.
 */
export function derived<const C extends readonly Column[], T>(
  columns: C,
  value: (...stored: { [I in keyof C]: Stored[C[I]] }) => T,
  inSql: (csv: SqlCsv, ...refs: { [I in keyof C]: Sql }) => Sql,
): SqlField<T> {
  return {
    columns,
    sql: (csv, refs) => (inSql as (csv: SqlCsv, ...refs: readonly Sql[]) => Sql)(csv, ...refs),
    bind(at) {
      const read = value as unknown as (...values: unknown[]) => T;
      // One and two columns (every derived field so far) without an array per row.
      const [first = 0, second = 0] = at;
      if (at.length === 1) return (row) => read(row[first]);
      if (at.length === 2) return (row) => read(row[first], row[second]);
      return (row) => read(...at.map((position) => row[position]));
    },
  };
}

export type FieldTable<R> = { readonly [K in keyof R]-?: Field<R[K]> };
export type JsonFieldTable<R> = { readonly [K in keyof R]-?: JsonField<R[K]> };

const unique = (columns: readonly Column[]) => [...new Set(columns)];
const bindAll = <T>(columns: readonly Column[], fields: readonly Field<T>[]) =>
  fields.map((field) => field.bind(field.columns.map((column) => columns.indexOf(column))));

/** A record built from stored columns: what to select, and the record from the selected values. */
export interface StoredRecord<R> {
  /** The columns to select, in the order `fromValues` reads them. */
  readonly columns: readonly Column[];
  fromValues(values: readonly unknown[], context: RecordContext): R;
  /** The record of a row read as an object. */
  fromRow(row: Pick<Stored, Column>, context: RecordContext): R;
}

/** A record the database can also write as JSON text. */
export interface JsonRecord<R> extends StoredRecord<R> {
  /** The record's JSON text, written by the database; keys in the table's order, as `fromValues` builds it. */
  json(json: SqlJson, context: RecordContext): RawBuilder<string>;
}

/**
 * A function that builds the record as one object literal, its keys in the table's order: V8 then gives every
 * record the same shape at once, where adding the keys one by one walks a chain of shapes per record. The keys
 * come from a record type's table (never from input), and the values from the bound readers.
 */
function objectBuilder<R>(keys: readonly string[], values: readonly BoundValue<unknown>[]) {
  const properties = keys.map((key, index) => `${JSON.stringify(key)}: values[${index}](row, context)`);
  const build = new Function('values', `return (row, context) => ({ ${properties.join(', ')} });`);
  return build(values) as (row: readonly unknown[], context: RecordContext) => R;
}

/** `leading` columns are selected first (ids a caller needs beside the record). */
export function storedRecord<R>(table: FieldTable<R>, leading: readonly Column[] = []): StoredRecord<R> {
  const keys = Object.keys(table) as (keyof R & string)[];
  const fields = keys.map((key) => table[key] as Field<unknown>);
  const columns = unique([...leading, ...fields.flatMap((field) => field.columns)]);
  const fromValues = objectBuilder<R>(keys, bindAll(columns, fields));
  return {
    columns,
    fromValues,
    fromRow: (row, context) =>
      fromValues(
        columns.map((column) => row[column]),
        context,
      ),
  };
}

/** storedRecord, and the record's JSON as the database writes it. */
export function jsonRecord<R>(table: JsonFieldTable<R>, leading: readonly Column[] = []): JsonRecord<R> {
  const entries = Object.entries(table) as [string, JsonField<unknown>][];
  return {
    ...storedRecord(table, leading),
    json: (json, context) =>
      json.object(
        entries.map(([key, field]) => [
          key,
          field.json(
            json,
            field.columns.map((column) => sql.ref(`companies.${column}`)),
            context,
          ),
        ]),
      ),
  };
}

/** A row of cells built from stored columns, in the order of `cells`. */
export interface StoredCells<T> {
  readonly columns: readonly Column[];
  fromValues(values: readonly unknown[], context: RecordContext): T[];
  /** The row as its CSV line (spreadsheet/csv.ts's bytes), written by the database. */
  csvLine(csv: SqlCsv, context: RecordContext): RawBuilder<string>;
}

/** An export cell: its field, and the kind of cell that says how CSV writes its value. */
export interface Cell<T> {
  field: SqlField<T>;
  kind: ExportCellKind;
}

/**
 * A cell's value as its CSV field: text is quoted and neutralised; numbers and days hold nothing to quote. The
 * text pieces name their value several times: a value computed from columns (not a column) is computed once.
 */
function csvField(csv: SqlCsv, kind: ExportCellKind, value: Sql, refs: readonly Sql[]): Sql {
  if (kind === 'boolean') return csv.boolean(value);
  if (kind !== 'text') return csv.verbatim(value);
  return refs.includes(value) ? csv.text(value) : csv.once(value, (computed) => csv.text(computed));
}

export function storedCells<T>(cells: readonly Cell<T>[]): StoredCells<T> {
  const fields = cells.map((cell) => cell.field);
  const columns = unique(fields.flatMap((field) => field.columns));
  const values = bindAll(columns, fields);
  const calls = values.map((_, index) => `values[${index}](row, context)`);
  // One array literal, as objectBuilder builds one object literal: no array grown cell by cell per row.
  const build = new Function('values', `return (row, context) => [${calls.join(', ')}];`);
  return {
    columns,
    fromValues: build(values) as StoredCells<T>['fromValues'],
    csvLine: (csv, context) =>
      csv.line(
        cells.map(({ field, kind }) => {
          const refs = field.columns.map((column) => sql.ref(`companies.${column}`));
          return csvField(csv, kind, field.sql(csv, refs, context), refs);
        }),
      ),
  };
}
