import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { neutraliseDelimitedFormulas, restoreDelimitedFormulas } from './export-columns.js';

// Texts rich in what the rule looks at: separators, quotes and every formula character.
const awkwardText = fc.string({ unit: fc.constantFrom('a', ' ', ',', ';', '"', '=', '+', '-', '@', '\t', '\r', 'x') });

describe('restoreDelimitedFormulas', () => {
  it('gives back the text neutraliseDelimitedFormulas was given, for any text without a quote mark', () => {
    fc.assert(
      fc.property(awkwardText, (text) => {
        expect(restoreDelimitedFormulas(neutraliseDelimitedFormulas(text))).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it('restores a formula start after a separator, as an import of an exported file reads it', () => {
    expect(neutraliseDelimitedFormulas('semi;=1+2')).toBe("semi;'=1+2");
    expect(restoreDelimitedFormulas("semi;'=1+2")).toBe('semi;=1+2');
    expect(restoreDelimitedFormulas("'=SUM(A1)")).toBe('=SUM(A1)');
  });
});
