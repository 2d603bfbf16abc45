import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import {
  expectedCells,
  generateCompanies,
  makeCompanies,
  makeTrickyCompany,
} from '../../test/support/sample-companies.js';
import { EXPORT_COLUMNS } from '../contract/index.js';
import { csvLine, streamCsv } from './csv.js';
import { recordBatchesOf } from './record-batches.js';

async function csvText(count: number): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of streamCsv(recordBatchesOf(generateCompanies(count, makeTrickyCompany))))
    chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('streamCsv', () => {
  it('writes a byte-order mark, the header and every row, which csv-parse reads back cell for cell', async () => {
    const text = await csvText(40);
    expect(text.startsWith('\uFEFFCompany Name,Company ID,')).toBe(true);
    const records: string[][] = parse(text, { bom: true });
    expect(records[0]).toEqual(EXPORT_COLUMNS.map((column) => column.header));
    expect(records.slice(1)).toEqual(makeCompanies(40, makeTrickyCompany).map(expectedCells));
  });

  it('ends every record with CRLF and quotes fields holding a line break, comma or quote (RFC 4180)', async () => {
    const text = await csvText(16);
    const unquoted = text.replace(/"(?:[^"]|"")*"/g, '""');
    expect(unquoted.match(/\r\n/g)).toHaveLength(17);
    expect(unquoted.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(text).toContain('"She said ""hello"", then left"');
    expect(text).toContain('"Line one\nLine two"');
    expect(text).toContain('"Windows\r\nline break"');
  });

  it('neutralises text that a spreadsheet would run as a formula', async () => {
    const text = await csvText(16);
    expect(text).toContain(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(text).toContain("\r\n'=1+2,");
    expect(text).toContain("\r\n'+44 20 7946 0000,");
    expect(text).toContain("\r\n'@mention corp,");
    expect(text).toContain("\r\n'\tTab first,");
    expect(text).not.toMatch(/(^|,|\r\n)[=+@]/);
  });

  it('writes dates as YYYY-MM-DD, booleans as true/false, nulls as empty and "Unlimited" licences', async () => {
    const [header, ...rows]: string[][] = parse(await csvText(12), { bom: true });
    const column = (name: string) => (header ?? []).indexOf(name);
    for (const row of rows) {
      expect(row[column('Date Created')]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(row[column('License Expired')]).toMatch(/^(true|false)$/);
    }
    expect(rows.map((row) => row[column('Renewal Date')])).toContain('');
    expect(rows.map((row) => row[column('Reseller Name')])).toContain('');
    expect(rows.map((row) => row[column('License Limit')])).toContain('Unlimited');
  });

  it('writes only the byte-order mark and header for an empty source', async () => {
    expect(await csvText(0)).toBe(`\uFEFF${EXPORT_COLUMNS.map((column) => column.header).join(',')}\r\n`);
  });
});

describe('csvLine', () => {
  it('quotes a field holding `;` and neutralises each cell a `;` or `,` reader would start inside it', () => {
    expect(csvLine(['semi;=1+2', 'a,@b', 'x;"-1"', 'plain; text', '=lead;+next'])).toBe(
      `"semi;'=1+2","a,'@b","x;'""-1""","plain; text","'=lead;'+next"\r\n`,
    );
  });
});
