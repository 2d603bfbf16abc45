import { KindGuard, type TObject, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompanyDtoSchema, SearchCompanyChildSchema } from '../contract/index.js';
import { normaliseCompany, normaliseSearchCompany } from './normalise-dto.js';
import { compileCanonicalCheck, deriveReader } from './schema-reader.js';

const instantArbitrary = fc
  .date({ min: new Date('1970-01-01T00:00:00.000Z'), max: new Date('2100-12-31T23:59:59.999Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

/** Values of a schema's shape, each date in its canonical spelling (what lapse itself sends). */
function arbitraryOf(schema: TSchema): fc.Arbitrary<unknown> {
  if (KindGuard.IsString(schema)) {
    if (schema.format === 'date-time') return instantArbitrary;
    // Some text fields hold numbers (numberOfUsers), which servers send as numbers.
    return fc.oneof(fc.string(), fc.nat().map(String));
  }
  if (KindGuard.IsInteger(schema)) return fc.integer();
  if (KindGuard.IsBoolean(schema)) return fc.boolean();
  if (KindGuard.IsNull(schema)) return fc.constant(null);
  if (KindGuard.IsUnion(schema)) return fc.oneof(...schema.anyOf.map(arbitraryOf));
  if (KindGuard.IsArray(schema)) return fc.array(arbitraryOf(schema.items), { maxLength: 3 });
  if (KindGuard.IsObject(schema)) {
    return fc.record(
      Object.fromEntries(Object.entries(schema.properties).map(([key, field]) => [key, arbitraryOf(field)])),
    );
  }
  throw new TypeError('no arbitrary for this kind');
}

const keyCases = [
  (key: string) => key,
  (key: string) => key.charAt(0).toUpperCase() + key.slice(1),
  (key: string) => key.toUpperCase(),
  (key: string) => key.toLowerCase(),
];

function offsetText(minutes: number, withColon: boolean): string {
  const sign = minutes < 0 ? '-' : '+';
  const hours = String(Math.trunc(Math.abs(minutes) / 60)).padStart(2, '0');
  const rest = String(Math.abs(minutes) % 60).padStart(2, '0');
  return `${sign}${hours}${withColon ? ':' : ''}${rest}`;
}

/** The same instant as another server may write it: at an offset (with or without a colon), or with no zone. */
function dateSpellings(instant: string): fc.Arbitrary<string> {
  const ms = Date.parse(instant);
  const atOffset = fc.tuple(fc.integer({ min: -14 * 4, max: 14 * 4 }), fc.boolean()).map(([quarters, withColon]) => {
    const minutes = quarters * 15;
    const local = new Date(ms + minutes * 60_000).toISOString().slice(0, 23);
    return `${local}${offsetText(minutes, withColon)}`;
  });
  return fc.oneof(fc.constant(instant), fc.constant(instant.slice(0, 23)), atOffset);
}

/** Ways a server sends a value of this kind that read back as the value itself (contract §8). */
function spellingsOf(schema: TSchema, value: unknown): fc.Arbitrary<unknown> {
  if (value === null) return fc.constantFrom(null, undefined);
  if (KindGuard.IsUnion(schema)) {
    const member = schema.anyOf.find((candidate) => !KindGuard.IsNull(candidate)) as TSchema;
    return spellingsOf(member, value);
  }
  if (KindGuard.IsString(schema) && schema.format === 'date-time') return dateSpellings(value as string);
  if (KindGuard.IsString(schema) && /^(0|[1-9]\d{0,14})$/.test(value as string)) {
    return fc.constantFrom(value, Number(value));
  }
  if (KindGuard.IsInteger(schema)) {
    const n = value as number;
    return fc.constantFrom(n, String(n), n >= 0 ? n + 0.25 : n - 0.25);
  }
  if (KindGuard.IsBoolean(schema)) {
    const b = value as boolean;
    return fc.constantFrom(b, String(b), String(b).toUpperCase(), b ? 1 : 0, b ? '1' : '0');
  }
  if (KindGuard.IsArray(schema)) {
    const tags = value as string[];
    const joinable = tags.length > 0 && tags.every((tag) => tag !== '' && tag === tag.trim() && !tag.includes(','));
    return joinable ? fc.constantFrom(tags, tags.join(','), tags.join(', ')) : fc.constant(tags);
  }
  return fc.constant(value);
}

/** A row of the schema's shape as servers other than lapse may send it: keys in any case, extra fields. */
function wireSpellingOf(schema: TObject, row: Record<string, unknown>): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.entries(schema.properties).map(([key, field]) =>
    fc
      .tuple(fc.constantFrom(...keyCases), spellingsOf(field, row[key]))
      .map(([keyCase, value]) => [keyCase(key), value] as const),
  );
  const extras = fc.dictionary(
    fc.string({ minLength: 1 }).map((name) => `extra_${name}`),
    fc.jsonValue(),
    { maxKeys: 3 },
  );
  return fc.tuple(fc.tuple(...fields), extras).map(([entries, extra]) => {
    const wire: Record<string, unknown> = { ...extra };
    for (const [key, value] of entries) if (value !== undefined) wire[key] = value;
    return wire;
  });
}

const rowsOf = (schema: TObject) => arbitraryOf(schema) as fc.Arbitrary<Record<string, unknown>>;
const isCanonicalChild = compileCanonicalCheck(SearchCompanyChildSchema);

describe('the search row fast path', () => {
  it('takes any row of the schema with canonical dates as it is', () => {
    fc.assert(
      fc.property(rowsOf(SearchCompanyChildSchema), (row) => {
        expect(Value.Check(SearchCompanyChildSchema, row)).toBe(true);
        expect(normaliseSearchCompany(row)).toBe(row);
      }),
      { numRuns: 300 },
    );
  });

  it('finds a date field by its date-time format, so one added to the schema is checked too', () => {
    const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
    const withStart = Type.Object(
      { ...SearchCompanyChildSchema.properties, licenseStartDate: Nullable(Type.String({ format: 'date-time' })) },
      { additionalProperties: false },
    );
    const isCanonical = compileCanonicalCheck(withStart);
    fc.assert(
      fc.property(rowsOf(withStart), (row) => {
        expect(isCanonical(row)).toBe(true);
        const start = row.licenseStartDate;
        if (typeof start === 'string') {
          expect(isCanonical({ ...row, licenseStartDate: start.replace('Z', '+00:00') })).toBe(false);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a schema with a date-time it cannot check in place', () => {
    const nested = Type.Object({ renewals: Type.Array(Type.String({ format: 'date-time' })) });
    expect(() => compileCanonicalCheck(nested)).toThrow(/renewals/);
  });
});

describe.each([
  ['SearchCompanyDto', SearchCompanyChildSchema, normaliseSearchCompany],
  ['CompanyDto', CompanyDtoSchema, normaliseCompany],
] as const)('reading a %s', (_name, schema, normalise) => {
  it('reads keys in any case, numbers and booleans as text, dates at an offset, and drops extra fields', () => {
    const arbitrary = rowsOf(schema).chain((row) => fc.tuple(fc.constant(row), wireSpellingOf(schema, row)));
    fc.assert(
      fc.property(arbitrary, ([row, wire]) => {
        const read = normalise(wire);
        expect(read).toEqual(row);
        expect(Value.Check(schema, read)).toBe(true);
        if (schema === SearchCompanyChildSchema) expect(isCanonicalChild(read)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('deriveReader', () => {
  it('reads a field added to a schema with no other change', () => {
    const withAdded = Type.Object(
      {
        ...SearchCompanyChildSchema.properties,
        licenseStartDate: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
        statusId: Type.Union([Type.Integer(), Type.Null()]),
        licenseModules: Type.Array(Type.String()),
      },
      { additionalProperties: false },
    );
    const read = deriveReader(withAdded)({
      CompanyResourceId: 'Abc123Def456',
      createtime: '2024-01-02T03:04:05Z',
      LicenseStartDate: '2026-03-01T01:00:00+02:00',
      STATUSID: '3',
      licensemodules: 'phishing, awareness',
    });
    expect(read).toMatchObject({
      companyResourceId: 'Abc123Def456',
      createTime: '2024-01-02T03:04:05.000Z',
      licenseStartDate: '2026-02-28T23:00:00.000Z',
      statusId: 3,
      licenseModules: ['phishing', 'awareness'],
    });
    expect(Value.Check(withAdded, read)).toBe(true);
  });

  it('reads nothing usable as the kind zero, or null where the schema allows it', () => {
    expect(normaliseCompany({ parentId: 'x', statusId: null, licenseModules: null })).toMatchObject({
      resourceId: '',
      parentId: null,
      statusId: null,
      isNumberOfUsersLimited: false,
      numberOfUsers: 0,
      licenseModules: [],
      licenseStartDate: null,
    });
    expect(normaliseSearchCompany(null)).toMatchObject({ companyName: '', numberOfUsers: '0', createTime: '' });
  });

  it('gives every row its own lists', () => {
    const [first, second] = [normaliseCompany({}), normaliseCompany({})];
    expect(first.tags).not.toBe(second.tags);
    expect(first.licenseModules).not.toBe(second.licenseModules);
  });

  it('fails when derived for a kind it has no reading for, not on the wire', () => {
    expect(() => deriveReader(Type.Object({ ratio: Type.Number() }))).toThrow(/Number/);
    expect(() => deriveReader(Type.Object({ either: Type.Union([Type.String(), Type.Integer()]) }))).toThrow();
  });
});
