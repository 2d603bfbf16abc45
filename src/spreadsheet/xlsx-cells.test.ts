import { describe, expect, it } from 'vitest';
import { columnLetters, excelSerialDay, xmlText } from './xlsx-cells.js';

describe('xmlText', () => {
  it('escapes XML specials and keeps a carriage return as a character reference', () => {
    expect(xmlText('a & b <c> "d"\r\n')).toBe('a &amp; b &lt;c&gt; &quot;d&quot;&#13;\n');
  });

  it('drops the control characters XML 1.0 forbids but keeps tab and line feed', () => {
    expect(xmlText('a\u0000b\u0007c\u000Bd\u001Fe\uFFFEf\tg\nh')).toBe('abcdef\tg\nh');
  });

  it('neutralises text that would start with a formula character once forbidden characters are gone', () => {
    expect(xmlText('=1+2')).toBe("'=1+2");
    expect(xmlText('\u0001@cmd')).toBe("'@cmd");
    expect(xmlText('\ttab')).toBe("'\ttab");
  });

  it('escapes the underscore of text Excel would read as its own _xHHHH_ escape', () => {
    expect(xmlText('id_x0041_z and _x12_')).toBe('id_x005F_x0041_z and _x12_');
  });
});

describe('excelSerialDay', () => {
  it('counts days as Excel does in its 1900 date system', () => {
    expect(excelSerialDay('1900-03-01')).toBe(61);
    expect(excelSerialDay('1970-01-01')).toBe(25_569);
    expect(excelSerialDay('2026-11-24')).toBe(46_350);
  });

  it('refuses text that is not a real day', () => {
    expect(excelSerialDay('2026-02-30')).toBeUndefined();
    expect(excelSerialDay('2026-11-24T00:00:00Z')).toBeUndefined();
  });
});

describe('columnLetters', () => {
  it('names columns as spreadsheets do', () => {
    expect([0, 13, 25, 26, 27, 701, 702].map(columnLetters)).toEqual(['A', 'N', 'Z', 'AA', 'AB', 'ZZ', 'AAA']);
  });
});
