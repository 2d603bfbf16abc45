// Reads what a server sent into the shape a contract schema describes (contract §8), walking the TypeBox schema:
// one coercion per schema kind, keys in any case, extra fields dropped. A field added to a schema is read with no
// other change; a field of a kind this module does not know fails when the reader is derived, not on the wire.
import {
  Kind,
  KindGuard,
  type Static,
  type TArray,
  type TObject,
  type TSchema,
  type TThis,
  type TUnion,
} from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { isRecord, readKey } from './envelope.js';

/** A wire value in, the field's value out; null when the server sent nothing usable. */
type Coercion = (value: unknown) => unknown;

/** How one schema kind is read where the schema allows null, and where it does not. */
interface KindReading {
  orNull: Coercion;
  required: Coercion;
}

interface FieldException {
  /** The other name servers give the field, read when the contract's name is missing. */
  alsoNamed?: string;
  /** What a missing value reads as (the wire value, before the field's coercion). */
  whenMissing?: unknown;
}

/** The only fields read otherwise than their kind says, whichever schema they are in. */
const FIELD_EXCEPTIONS: Readonly<Record<string, FieldException>> = {
  // contract §8: the vendor spells it both ways.
  licenceExpired: { alsoNamed: 'licenseExpired' },
  // A missing licence limit reads as 0: the search DTO's text '0', CompanyDto's int 0.
  numberOfUsers: { whenMissing: '0' },
};

export function toInteger(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) {
    return Math.trunc(Number(value));
  }
  return null;
}

function toText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'string' ? value : String(value);
}

function toBoolean(value: unknown): boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.toLowerCase() === 'true' || value === '1';
  return value === true || value === 1;
}

function toTags(value: unknown): string[] | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value.map((tag) => String(tag));
  if (typeof value === 'string' && value !== '') return value.split(',').map((tag) => tag.trim());
  return [];
}

const ZONED = /(Z|[+-]\d{2}:?\d{2})$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
/** The one spelling of an instant that `Date#toISOString()` gives, and the contract's DTOs carry. */
const CANONICAL_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * contract §8: dates come with or without a zone offset; one without is UTC. Returns an ISO-8601 UTC
 * date-time (`…Z`), or the text unchanged when it is not a date at all (never silently a wrong day).
 */
export function normaliseDateTime(value: unknown): string | null {
  const text = toText(value);
  if (text === null || text === '') return null;
  const trimmed = text.trim();
  // Already canonical (what lapse and most servers send): parsing and re-printing would give it back unchanged.
  if (CANONICAL_INSTANT.test(trimmed)) return trimmed;
  const zoned = DATE_ONLY.test(trimmed)
    ? `${trimmed}T00:00:00Z`
    : ZONED.test(trimmed)
      ? trimmed.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')
      : `${trimmed}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? trimmed : new Date(ms).toISOString();
}

const isDateTime = (schema: TSchema) => KindGuard.IsString(schema) && schema.format === 'date-time';

/** A required field of a scalar kind: nothing usable reads as the kind's zero. */
function withFallback(orNull: Coercion, fallback: string | number | boolean | null): KindReading {
  return { orNull, required: (value) => orNull(value) ?? fallback };
}

/** For a nullable object: nothing sent stays null, anything else is read (a non-object as an empty one). */
const unlessMissing =
  (read: Coercion): Coercion =>
  (value) =>
    value === null || value === undefined ? null : read(value);

/** Resolves `Type.This` inside a `Type.Recursive` schema to the reader of the schema it names. */
type Recursion = Map<string, Coercion>;

function readingOf(schema: TSchema, recursion: Recursion): KindReading {
  if (isDateTime(schema)) return withFallback(normaliseDateTime, '');
  if (KindGuard.IsString(schema)) return withFallback(toText, '');
  if (KindGuard.IsInteger(schema)) return withFallback(toInteger, 0);
  if (KindGuard.IsBoolean(schema)) return withFallback(toBoolean, false);
  if (KindGuard.IsNull(schema)) return withFallback(() => null, null);
  if (KindGuard.IsUnion(schema)) return nullableReading(schema, recursion);
  if (KindGuard.IsArray(schema)) return arrayReading(schema, recursion);
  if (KindGuard.IsObject(schema)) return objectReading(schema, recursion);
  if (KindGuard.IsThis(schema)) return thisReading(schema, recursion);
  throw new TypeError(`no wire reading for a schema of kind ${String(schema[Kind])}`);
}

/** `Nullable(X)`: null or X, and nothing usable reads as null. Other unions have no single reading. */
function nullableReading(schema: TUnion, recursion: Recursion): KindReading {
  const others = schema.anyOf.filter((member) => !KindGuard.IsNull(member));
  const [other] = others;
  if (others.length !== 1 || schema.anyOf.length !== 2 || other === undefined) {
    throw new TypeError('a union is read only as Nullable(X)');
  }
  const { orNull } = readingOf(other, recursion);
  return { orNull, required: orNull };
}

function arrayReading(schema: TArray, recursion: Recursion): KindReading {
  const items = schema.items;
  if (KindGuard.IsString(items) && !isDateTime(items))
    return { orNull: toTags, required: (value) => toTags(value) ?? [] };
  if (!KindGuard.IsObject(items) && !KindGuard.IsThis(items)) {
    throw new TypeError('an array is read only of strings (tags) or of objects');
  }
  const readItem = readingOf(items, recursion).required;
  return {
    orNull: (value) => (Array.isArray(value) ? value.map(readItem) : null),
    // A lone node where a list belongs is a list of one (contract §6: a Company Admin's /my is its own company).
    required: (value) =>
      (value === null || value === undefined ? [] : Array.isArray(value) ? value : [value]).map(readItem),
  };
}

function objectReading(schema: TObject, recursion: Recursion): KindReading {
  const fields: Array<[key: string, read: (record: Record<string, unknown>) => unknown]> = [];
  const read = (value: unknown) => {
    const record = isRecord(value) ? value : {};
    const dto: Record<string, unknown> = {};
    for (const [key, readField] of fields) dto[key] = readField(record);
    return dto;
  };
  if (typeof schema.$id === 'string') recursion.set(schema.$id, read);
  for (const [key, field] of Object.entries(schema.properties)) {
    const coerce = readingOf(field, recursion).required;
    const { alsoNamed, whenMissing } = FIELD_EXCEPTIONS[key] ?? {};
    const readWire =
      alsoNamed === undefined
        ? (record: Record<string, unknown>) => readKey(record, key)
        : (record: Record<string, unknown>) => readKey(record, key) ?? readKey(record, alsoNamed);
    fields.push([key, (record) => coerce(readWire(record) ?? whenMissing)]);
  }
  return { orNull: unlessMissing(read), required: read };
}

function thisReading(schema: TThis, recursion: Recursion): KindReading {
  const read: Coercion = (value) => {
    const named = recursion.get(schema.$ref);
    if (named === undefined) throw new TypeError(`no schema named ${schema.$ref} encloses this one`);
    return named(value);
  };
  return { orNull: unlessMissing(read), required: read };
}

/** The reader of a contract schema: any value in, a value of the schema's shape out. */
export function deriveReader<T extends TSchema>(schema: T): (raw: unknown) => Static<T> {
  return readingOf(schema, new Map()).required as (raw: unknown) => Static<T>;
}

/**
 * The schema with each date-time narrowed to its canonical spelling (a case of the date-time format, so the
 * format's own check would add nothing). Only an object's own fields, nullable or not, can be narrowed.
 */
function withCanonicalDates<T extends TObject>(schema: T): T {
  const narrow = (field: TSchema): TSchema => {
    if (isDateTime(field)) {
      const { format: _, ...options } = field;
      return { ...options, pattern: CANONICAL_INSTANT.source };
    }
    if (KindGuard.IsUnion(field)) return { ...field, anyOf: field.anyOf.map(narrow) };
    return field;
  };
  const hasDateTime = (part: unknown): boolean =>
    typeof part === 'object' && part !== null && (isDateTime(part as TSchema) || Object.values(part).some(hasDateTime));
  const properties: Record<string, TSchema> = {};
  for (const [key, field] of Object.entries(schema.properties)) {
    properties[key] = narrow(field);
    if (hasDateTime(properties[key])) throw new TypeError(`${key}: a date-time inside a field has no canonical check`);
  }
  return { ...schema, properties };
}

/**
 * Whether a value already is exactly what `schema` describes, with every date in its one canonical spelling
 * (a `+02:00` date passes the schema's date-time format, yet reads as another text once normalised). Such a value
 * can be taken as it is; copying a thousand rows per page field by field costs more than checking them.
 */
export function compileCanonicalCheck<T extends TObject>(schema: T): (value: unknown) => value is Static<T> {
  const check = TypeCompiler.Compile(withCanonicalDates(schema));
  return (value: unknown): value is Static<T> => check.Check(value);
}
