// Case-insensitive matching and ordering without per-database collations: text is folded once, on write, into
// *_folded columns, and filter values are folded the same way before they are compared.
export function foldText(text: string): string {
  return text.normalize('NFC').toLowerCase();
}

/** Separator around each folded tag, so "some tag equals x" is a substring test on `\x1fx\x1f`. */
export const TAG_SEPARATOR = '\u001f';

export function foldTags(tags: readonly string[]): string {
  return tags.length === 0 ? '' : `${TAG_SEPARATOR}${tags.map(foldText).join(TAG_SEPARATOR)}${TAG_SEPARATOR}`;
}
