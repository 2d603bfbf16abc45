// JSON.parse of a response body's bytes, without making one string of a large body where it can. A search page
// of 1,000 companies is about 580 KB; as one string it is a V8 large object, allocated on fresh memory the
// system has to fault in, which costs more than parsing it. Most large bodies are one long array of objects, so
// the array is cut between two of its objects about every 64 KB, where the text reads `},{`, and each piece is
// parsed on its own; the rest of the body is parsed with a placeholder standing for the array (docs/decisions.md,
// "Reading large bodies", has the measurement).
//
// The cuts are guesses, found by a plain byte search, and parsing checks them: a cut inside a string leaves its
// piece with an unterminated string, a cut inside a nested value leaves unbalanced brackets, and a wrong start or
// end for the array leaves a piece or the rest that is not JSON. When every piece and the rest parse, the body is
// the rest with the array put back where the placeholder stands, and the result is what JSON.parse of the whole
// text gives (JSON's grammar lets one value's text be replaced by another's). Otherwise the whole text is parsed.
// The rest is parsed twice, with two placeholders, to tell where the array stood from any text of the body's own.
import { isAscii } from 'node:buffer';

/** Bodies up to this size are parsed as one string, and pieces are cut about this long: under V8's large objects. */
const PIECE_BYTES = 64 * 1024;
const ARRAY_OF_OBJECTS_START = Buffer.from('[{');
const ARRAY_OF_OBJECTS_END = Buffer.from('}]');
const BETWEEN_OBJECTS = Buffer.from('},{');
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const BYTE_ORDER_MARK = Buffer.from([0xef, 0xbb, 0xbf]);
/**
 * Two different strings, each standing in turn for the array in the rest of the body. The body's own text may
 * hold anything, even these strings (escaped or not); but only where the array stood do the two parses differ.
 */
const PLACEHOLDERS = ['\u0000lapse-array-one', '\u0000lapse-array-two'] as const;
const PLACEHOLDERS_JSON = PLACEHOLDERS.map((placeholder) => Buffer.from(JSON.stringify(placeholder)));

/** UTF-8 as text (ASCII copied byte for byte); invalid sequences become U+FFFD, as `Response.text()` does. */
export function utf8Text(bytes: Buffer): string {
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

/**
 * The text of `[` + bytes strictly between `before` and `after` + `]`. The brackets are written over the bytes
 * at those offsets (the array's own bracket or a comma) while the text is copied out, and put back after: a
 * piece costs one string, where adding the brackets to it would cost a second one the size of the piece.
 */
function arrayText(bytes: Buffer, before: number, after: number): string {
  const [first, last] = [bytes[before] as number, bytes[after] as number];
  bytes[before] = OPEN_BRACKET;
  bytes[after] = CLOSE_BRACKET;
  try {
    return utf8Text(bytes.subarray(before, after + 1));
  } finally {
    bytes[before] = first;
    bytes[after] = last;
  }
}

/** The elements of the array `[open … close]`, cut about every PIECE_BYTES at `},{`; undefined if a piece fails. */
function parseElements(bytes: Buffer, open: number, close: number): unknown[] | undefined {
  const elements: unknown[] = [];
  let start = open + 1;
  for (;;) {
    const from = start + PIECE_BYTES;
    const between = from < close ? bytes.indexOf(BETWEEN_OBJECTS, from) : -1;
    const end = between < 0 || between >= close ? close : between + 1;
    let piece: unknown[];
    try {
      piece = JSON.parse(arrayText(bytes, start - 1, end)) as unknown[];
    } catch {
      return undefined;
    }
    for (const element of piece) elements.push(element);
    if (end === close) return elements;
    start = end + 1; // past the comma
  }
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;

/**
 * `one` (the rest parsed with the first placeholder) with `array` where it differs from `two` (the rest parsed
 * with the second); undefined unless they differ only there, and there by the placeholders alone. (They
 * differ nowhere when a repeated key overrode the array, as JSON.parse of the whole text also does; and in a key
 * or inside a string when the array stood where no value may, in a body that is not JSON.) Walked with a stack of
 * its own: the rest may nest deeper than a call stack goes.
 */
function putBack(one: unknown, two: unknown, array: unknown[]): unknown {
  if (one === PLACEHOLDERS[0] && two === PLACEHOLDERS[1]) return array;
  let place: { holder: Record<string, unknown>; key: string } | undefined;
  const pending: [unknown, unknown][] = [[one, two]];
  for (let pair = pending.pop(); pair !== undefined; pair = pending.pop()) {
    const [left, right] = pair;
    if (!isObject(left) || !isObject(right)) {
      if (left !== right) return undefined;
      continue;
    }
    const keys = Object.keys(left);
    const rightKeys = Object.keys(right);
    if (Array.isArray(left) !== Array.isArray(right) || keys.length !== rightKeys.length) return undefined;
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index] as string;
      if (key !== rightKeys[index]) return undefined;
      // One place in the text differs, so one value at most.
      if (left[key] === PLACEHOLDERS[0] && right[key] === PLACEHOLDERS[1]) place = { holder: left, key };
      else pending.push([left[key], right[key]]);
    }
  }
  if (place !== undefined) place.holder[place.key] = array;
  return one;
}

/** The parse in pieces, or undefined when the body does not have that shape (then it is parsed whole). */
function parseInPieces(bytes: Buffer): unknown {
  const open = bytes.indexOf(ARRAY_OF_OBJECTS_START);
  const close = bytes.lastIndexOf(ARRAY_OF_OBJECTS_END) + 1;
  if (open < 0 || close - open < PIECE_BYTES) return undefined;
  const elements = parseElements(bytes, open, close);
  if (elements === undefined) return undefined;
  const [head, tail] = [bytes.subarray(0, open), bytes.subarray(close + 1)];
  try {
    const [one, two] = PLACEHOLDERS_JSON.map((placeholder) =>
      JSON.parse(utf8Text(Buffer.concat([head, placeholder, tail]))),
    );
    return putBack(one, two, elements);
  } catch {
    return undefined;
  }
}

/**
 * JSON.parse of the UTF-8 text of `body` (a leading byte order mark skipped, as `Response.text()` skips it);
 * throws as JSON.parse throws. `undefined` is not JSON, so it never stands for a parse in pieces that failed.
 */
export function parseJsonBytes(body: Uint8Array): unknown {
  let bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (bytes.subarray(0, BYTE_ORDER_MARK.length).equals(BYTE_ORDER_MARK)) bytes = bytes.subarray(BYTE_ORDER_MARK.length);
  const inPieces = bytes.length > PIECE_BYTES ? parseInPieces(bytes) : undefined;
  return inPieces === undefined ? JSON.parse(utf8Text(bytes)) : inPieces;
}
