import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseJsonBytes } from './parse-json-bytes.js';

// Text that looks like the places the body is cut at, or like the placeholder, inside strings and keys.
const trickyText = fc.oneof(
  fc.string(),
  fc.constantFrom(
    '},{',
    '[{',
    '}]',
    '},{"a":1}',
    '\\',
    '"',
    '\u0000lapse-array-one',
    '\u0000lapse-array-two',
    '\u0000',
    'é',
    '😀',
  ),
);
// Mostly objects, as a page's results are; now and then any JSON value.
const element = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.dictionary(trickyText, fc.oneof(trickyText, fc.integer(), fc.constant(null), fc.array(trickyText))),
  },
  { weight: 1, arbitrary: fc.jsonValue() },
);

/** An envelope around an array of objects long enough to be cut in pieces (over 64 KB), as JSON text. */
const largeBody = fc
  .record({
    elements: fc.array(element, { minLength: 1, maxLength: 20 }),
    before: fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
    after: fc.dictionary(fc.string(), fc.jsonValue(), { maxKeys: 3 }),
    spaced: fc.integer({ min: 0, max: 4 }).map((draw) => draw === 0), // pretty-printed now and then: no cuts
  })
  .map(({ elements, before, after, spaced }) => {
    const one = JSON.stringify(elements).length;
    const copies = Math.ceil(150_000 / one);
    const results = Array.from({ length: copies }, () => elements).flat();
    const body = { ...before, data: { results, total: results.length }, ...after };
    return JSON.stringify(body, null, spaced ? 1 : undefined);
  });

function outcome(parse: () => unknown): { value: unknown } | { threw: true } {
  try {
    return { value: parse() };
  } catch {
    return { threw: true };
  }
}

describe('parseJsonBytes', () => {
  it('gives what JSON.parse of the text gives, for any body, large or small', () => {
    fc.assert(
      fc.property(fc.oneof(largeBody, fc.json()), (text) => {
        expect(parseJsonBytes(Buffer.from(text))).toEqual(JSON.parse(text));
      }),
      { numRuns: 150 },
    );
  });

  it('fails where JSON.parse fails, and agrees where it does not, on large bodies with a byte changed', () => {
    const change = fc.record({
      at: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
      kind: fc.constantFrom('delete', 'insert', 'truncate'),
      char: fc.constantFrom('{', '}', '[', ']', ',', '"', '\\', ':', 'x', ' '),
    });
    fc.assert(
      fc.property(largeBody, change, (text, { at, kind, char }) => {
        const position = Math.floor(at * text.length);
        const changed =
          kind === 'delete'
            ? text.slice(0, position) + text.slice(position + 1)
            : kind === 'insert'
              ? text.slice(0, position) + char + text.slice(position)
              : text.slice(0, position);
        expect(outcome(() => parseJsonBytes(Buffer.from(changed)))).toEqual(outcome(() => JSON.parse(changed)));
      }),
      { numRuns: 150 },
    );
  });

  it('reads a key given twice as JSON.parse does, and refuses an array where a key belongs', () => {
    const results = JSON.stringify(Array.from({ length: 3000 }, (_, index) => ({ index, name: 'x' })));
    for (const text of [`{"data":${results},"data":1}`, `{"data":1,"data":${results}}`]) {
      expect(parseJsonBytes(Buffer.from(text))).toEqual(JSON.parse(text));
    }
    expect(() => parseJsonBytes(Buffer.from(`{${results}:1}`))).toThrow(SyntaxError);
    // The placeholders' own text in the body, plain and escaped, as values and keys, beside a repeated key.
    const texts = ['\u0000lapse-array-one', '\u0000lapse-array-two'].flatMap((text) => [
      JSON.stringify(text),
      JSON.stringify(text).replace('y', '\\u0079'),
    ]);
    for (const named of texts) {
      for (const text of [
        `{"a":${named},"data":${results}}`,
        `{${named}:1,"data":${results}}`,
        `{"a":${results},"a":0,"b":${named}}`,
        `{"a":${results},"a":${named}}`,
        `{"a":${named},"a":${results},"b":${named}}`,
      ]) {
        expect(parseJsonBytes(Buffer.from(text))).toEqual(JSON.parse(text));
      }
      // Not JSON: the array where a key belongs, or in a string after a backslash.
      for (const text of [
        `{${results}:1,"a":${named}}`,
        `{${results}:${named}}`,
        `{"s":"x\\${results}","b":${named}}`,
      ]) {
        expect(() => parseJsonBytes(Buffer.from(text))).toThrow(SyntaxError);
      }
    }
  });

  it('reads a body nested deeper than a call stack goes', () => {
    const results = JSON.stringify(Array.from({ length: 3000 }, (_, index) => ({ index })));
    const text = `${'['.repeat(20_000)}${results}${']'.repeat(20_000)}`;
    // Unwrapped a level at a time: a deep comparison would itself overflow the stack.
    let value = parseJsonBytes(Buffer.from(text));
    let depth = 0;
    for (; Array.isArray(value) && value.length === 1; depth++) value = value[0];
    expect(depth).toBe(20_000);
    expect(value).toEqual(JSON.parse(results));
  });

  it('skips a byte order mark and reads invalid UTF-8 as Response.text() does', async () => {
    const text = JSON.stringify({ data: Array.from({ length: 3000 }, (_, index) => ({ index, name: 'Crème' })) });
    const withMark = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    expect(parseJsonBytes(withMark)).toEqual(JSON.parse(text));
    const invalid = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expect(parseJsonBytes(invalid)).toEqual(JSON.parse(await new Response(invalid).text()));
  });
});
