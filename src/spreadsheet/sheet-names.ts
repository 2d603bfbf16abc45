// Excel's rules for a worksheet's name: 1 to 31 characters, none of `[ ] : * ? / \`, not starting or ending with
// `'`, not "History" (Excel keeps it for itself), and unique among the workbook's sheets regardless of case.

export const MAX_SHEET_NAME_LENGTH = 31;
// biome-ignore lint/suspicious/noControlCharactersInRegex: a sheet name may hold no control character
const FORBIDDEN_IN_NAME = /[[\]:*?/\\\u0000-\u001F]/g;
const RESERVED_NAMES = new Set(['history']);

function fitted(name: string): string {
  const cleaned = name
    .replace(FORBIDDEN_IN_NAME, '_')
    .replace(/^'+|'+$/g, '')
    .trim();
  // By code points, so a cut never splits a surrogate pair.
  const cut = [...cleaned].slice(0, MAX_SHEET_NAME_LENGTH).join('').replace(/'+$/, '');
  return cut === '' || RESERVED_NAMES.has(cut.toLowerCase()) ? `${cut || 'Sheet'}_` : cut;
}

/**
 * Sheet names for `wanted`, in order: each made valid, and made unique (after `taken`, names already used) by a
 * ` (2)`, ` (3)`… suffix, the name shortened to leave room for it.
 */
export function uniqueSheetNames(wanted: readonly string[], taken: readonly string[] = []): string[] {
  const used = new Set(taken.map((name) => name.toLowerCase()));
  return wanted.map((name) => {
    const base = fitted(name);
    let candidate = base;
    for (let count = 2; used.has(candidate.toLowerCase()); count++) {
      const suffix = ` (${count})`;
      candidate = [...base].slice(0, MAX_SHEET_NAME_LENGTH - suffix.length).join('') + suffix;
    }
    used.add(candidate.toLowerCase());
    return candidate;
  });
}
