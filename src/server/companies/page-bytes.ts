// A search page's response body (contract §4), built as bytes in small pieces. A page of 1,000 companies is
// about 580 KB of JSON; one string that size lands in V8's large-object space and costs more to allocate, encode
// and (for the client) decode than building the JSON does, and text with accents doubles in size as a two-byte
// string. So the results are written 50 companies at a time, every character past ASCII as its JSON `\u`
// escape (the same JSON to any parser, and a one-byte string that encodes by copying), and the pieces are
// joined as bytes. `npm run bench -- search-json` measures it against JSON.stringify of the whole page.
import { type SearchCompanyDto, type SearchPage, success } from '../../contract/index.js';

/** Companies per piece: about 30 KB of JSON, well under the large-object size even before escaping. */
const COMPANIES_PER_PIECE = 50;
const BEYOND_ASCII = /[\u0080-\uffff]/g;
const RESULTS_KEY = '"results":[';

const unicodeEscape = (char: string) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** JSON text as ASCII bytes: JSON.stringify already escapes control characters and lone surrogates. */
function asciiBytes(json: string): Buffer {
  return Buffer.from(json.replace(BEYOND_ASCII, unicodeEscape), 'latin1');
}

/** The results as JSON text, a piece of up to COMPANIES_PER_PIECE companies at a time, without the brackets. */
export function* piecesOfDtos(results: readonly SearchCompanyDto[]): Generator<string> {
  for (let start = 0; start < results.length; start += COMPANIES_PER_PIECE) {
    yield JSON.stringify(results.slice(start, start + COMPANIES_PER_PIECE)).slice(1, -1);
  }
}

/** Companies given as their JSON text (SEARCH_COMPANY.json), a piece at a time. */
export function* piecesOfJson(companies: readonly string[]): Generator<string> {
  for (let start = 0; start < companies.length; start += COMPANIES_PER_PIECE) {
    yield companies.slice(start, start + COMPANIES_PER_PIECE).join(',');
  }
}

/**
 * The success envelope of the page as JSON bytes, equal (once parsed) to `JSON.stringify(success(page))`; the
 * results come as pieces of JSON text (piecesOfDtos, piecesOfJson), each one or more companies.
 */
export function searchPageBytes(totals: Omit<SearchPage, 'results'>, results: Iterable<string>): Buffer {
  // The envelope holds only numbers besides the results, so its one empty results array is where they go.
  const envelope = JSON.stringify(success({ ...totals, results: [] }));
  const insertAt = envelope.indexOf(`${RESULTS_KEY}]`) + RESULTS_KEY.length;
  const pieces = [asciiBytes(envelope.slice(0, insertAt))];
  let separator = '';
  for (const piece of results) {
    if (piece === '') continue;
    pieces.push(asciiBytes(`${separator}${piece}`));
    separator = ',';
  }
  pieces.push(asciiBytes(envelope.slice(insertAt)));
  return Buffer.concat(pieces);
}
