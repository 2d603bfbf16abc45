// lapse's own files write a company's tags as one cell holding a JSON array of strings (`["a,b","c"]`), so a tag
// may hold a comma, a semicolon or a quote and still be read back. The contract's export joins them with ", "
// (contract §5) and keeps doing so.
//
// Two characters are written as JSON escapes, so the cell's text never needs changing on its way into a CSV: a
// formula character (`= + - @`) right after a `,` or `;` (and the quotes after it), where a reader splitting at
// every `,` or `;` would start a cell with it, and U+FFFE/U+FFFF, which XML cannot hold. JSON.stringify already
// escapes control characters and lone surrogates. Any JSON parser reads the cell back as the tags.

const AFTER_SPLIT_FORMULA = /([,;]"*)([=+\-@])/g;
const NOT_IN_XML = /[\uFFFE\uFFFF]/g;

const unicodeEscape = (character: string) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** The Tags cell of a company: null (an empty cell) for no tags, else the JSON array text. */
export function tagsCell(tags: readonly string[]): string | null {
  if (tags.length === 0) return null;
  return JSON.stringify(tags)
    .replace(AFTER_SPLIT_FORMULA, (_, before: string, formula: string) => before + unicodeEscape(formula))
    .replace(NOT_IN_XML, unicodeEscape);
}

/** The tags back from a Tags cell as a reader finds it (an empty cell: none). */
export function tagsOfCell(cell: string | null | undefined): string[] {
  if (cell === null || cell === undefined || cell === '') return [];
  const parsed: unknown = JSON.parse(cell);
  if (!Array.isArray(parsed) || !parsed.every((tag) => typeof tag === 'string')) {
    throw new SyntaxError('a Tags cell is a JSON array of strings');
  }
  return parsed;
}
