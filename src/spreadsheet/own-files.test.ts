// lapse's own files: tags that round-trip through CSV and XLSX whatever they hold, text cells in XLSX exactly as
// the data (no `'`), workbooks of several sheets, and sheet names Excel accepts.
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { xlsxSheets } from '../../test/support/xlsx-xml.js';
import { streamCsv } from './csv.js';
import { batchOf } from './record-batches.js';
import { MAX_SHEET_NAME_LENGTH, uniqueSheetNames } from './sheet-names.js';
import { tagsCell, tagsOfCell } from './tag-cell.js';
import { streamWorkbook } from './workbook.js';
import { sheetLayoutOf } from './xlsx-cells.js';

async function bytesOf(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

const LAYOUT = sheetLayoutOf(
  [
    { header: 'Company Name', kind: 'text' },
    { header: 'Tags', kind: 'text' },
  ],
  'Companies',
  { isNeutralised: false },
);

/** Tags rich in what the rule looks at: separators, quotes, formula characters, escapes, any code point. */
const tagText = fc.oneof(
  fc.string({ unit: fc.constantFrom(',', ';', '"', "'", '=', '+', '-', '@', '\t', '\r', '\n', '[', '\\', 'a', ' ') }),
  fc.string({ unit: 'binary' }),
  fc.constantFrom('_x0041_', '\uFFFE', '\uFFFF', '\uD800', 'a,b', '["a"]'),
);
const tagLists = fc.array(tagText, { maxLength: 6 });

describe('the tags rule', () => {
  it('round-trips any tag list through the written CSV', async () => {
    await fc.assert(
      fc.asyncProperty(tagLists, async (tags) => {
        const csv = await bytesOf(streamCsv(batchOf([['x', tagsCell(tags)]]), ['Company Name', 'Tags']));
        const [, row] = parse(csv.toString('utf8'), { bom: true }) as string[][];
        expect(tagsOfCell(row?.[1])).toEqual(tags);
      }),
      { numRuns: 300 },
    );
  });

  it('round-trips any tag list through the written XLSX, read from its XML', async () => {
    await fc.assert(
      fc.asyncProperty(tagLists, async (tags) => {
        const xlsx = await bytesOf(
          streamWorkbook([{ name: 'Companies', layout: LAYOUT, records: [['x', tagsCell(tags)]] }]),
        );
        const [, row] = xlsxSheets(xlsx).get('Companies') ?? [];
        expect(tagsOfCell(row?.[1] ?? '')).toEqual(tags);
      }),
      { numRuns: 150 },
    );
  });

  it('writes a cell no CSV neutralisation has to touch, and none for no tags', () => {
    expect(tagsCell([])).toBeNull();
    expect(tagsCell(['a,b', 'c'])).toBe('["a,b","c"]');
    expect(tagsCell(['x', '=1+2', 'y;-3'])).toBe('["x","\\u003d1+2","y;\\u002d3"]');
  });
});

describe('XLSX text cells of lapse files', () => {
  it('hold formula-like text exactly, with no added quote, as inline strings (never formulas)', async () => {
    const texts = ['=HYPERLINK("http://x","y")', '+1', '-2', '@cmd', '\tx'];
    const xlsx = await bytesOf(
      streamWorkbook([{ name: 'Companies', layout: LAYOUT, records: texts.map((text) => [text, null]) }]),
    );
    const rows = xlsxSheets(xlsx).get('Companies') ?? [];
    expect(rows.slice(1).map((row) => row[0])).toEqual(texts);
    expect(xlsx.length).toBeGreaterThan(0);
  });

  it('the contract layout still neutralises', async () => {
    const contract = sheetLayoutOf([{ header: 'Company Name', kind: 'text' }]);
    const xlsx = await bytesOf(streamWorkbook([{ name: 'Companies', layout: contract, records: [['=1']] }]));
    expect(xlsxSheets(xlsx).get('Companies')?.[1]?.[0]).toBe("'=1");
  });

  it('writes several sheets with columns of their own, and continues a long sheet on the next', async () => {
    const about = sheetLayoutOf([{ header: 'Field', kind: 'text' }], 'About', { isNeutralised: false });
    const records = Array.from({ length: 5 }, (_, index) => [`c${index}`, null]);
    const xlsx = await bytesOf(
      streamWorkbook(
        [
          { name: 'Companies', layout: LAYOUT, records },
          { name: 'About', layout: about, records: [['asOf']] },
        ],
        2,
      ),
    );
    const sheets = xlsxSheets(xlsx);
    expect([...sheets.keys()]).toEqual(['Companies', 'Companies (2)', 'Companies (3)', 'About']);
    expect([...sheets.values()].slice(0, 3).flatMap((rows) => rows.slice(1).map((row) => row[0]))).toEqual(
      records.map((record) => record[0]),
    );
  });
});

describe('uniqueSheetNames', () => {
  it('gives names Excel accepts: at most 31 characters, none of []:*?/\\, unique whatever the case', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'grapheme' }), { maxLength: 12 }), (wanted) => {
        const names = uniqueSheetNames(wanted, ['Roll-up', 'About']);
        expect(names).toHaveLength(wanted.length);
        for (const name of names) {
          expect([...name].length).toBeGreaterThan(0);
          expect([...name].length).toBeLessThanOrEqual(MAX_SHEET_NAME_LENGTH);
          expect(name).not.toMatch(/[[\]:*?/\\]|^'|'$/);
        }
        const folded = [...names, 'roll-up', 'about'].map((name) => name.toLowerCase());
        expect(new Set(folded).size).toBe(folded.length);
      }),
    );
  });

  it('keeps a valid name as it is and numbers the repeats', () => {
    expect(uniqueSheetNames(['Acme', 'ACME', 'a/b', 'About', 'x'.repeat(40)], ['About'])).toEqual([
      'Acme',
      'ACME (2)',
      'a_b',
      'About (2)',
      'x'.repeat(31),
    ]);
  });
});
