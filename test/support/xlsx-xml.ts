// Reads an .xlsx back as its XML: the zip's entries (central directory, stored or deflated), and each worksheet's
// cells as a reader of SpreadsheetML finds them (inline strings decoded, numbers and booleans as their text).
import { inflateRawSync } from 'node:zlib';

/** Every entry of a zip file, by name. */
export function zipEntries(bytes: Buffer): Map<string, Buffer> {
  const endOfDirectory = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endOfDirectory < 0) throw new Error('not a zip file');
  let offset = bytes.readUInt32LE(endOfDirectory + 16);
  const count = bytes.readUInt16LE(endOfDirectory + 10);
  const entries = new Map<string, Buffer>();
  for (let index = 0; index < count; index++) {
    const method = bytes.readUInt16LE(offset + 10);
    const compressedSize = bytes.readUInt32LE(offset + 20);
    const nameLength = bytes.readUInt16LE(offset + 28);
    const extraLength = bytes.readUInt16LE(offset + 30);
    const commentLength = bytes.readUInt16LE(offset + 32);
    const localHeader = bytes.readUInt32LE(offset + 42);
    const name = bytes.toString('utf8', offset + 46, offset + 46 + nameLength);
    const dataStart = localHeader + 30 + bytes.readUInt16LE(localHeader + 26) + bytes.readUInt16LE(localHeader + 28);
    const data = bytes.subarray(dataStart, dataStart + compressedSize);
    entries.set(name, method === 0 ? Buffer.from(data) : inflateRawSync(data));
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The text of a `<t>` element as a spreadsheet reads it: XML references, then ECMA-376 `_xHHHH_` escapes. */
export function decodeCellText(xml: string): string {
  return xml
    .replace(/&(#\d+|#x[0-9a-fA-F]+|\w+);/g, (_, name: string) =>
      name.startsWith('#x')
        ? String.fromCodePoint(Number.parseInt(name.slice(2), 16))
        : name.startsWith('#')
          ? String.fromCodePoint(Number(name.slice(1)))
          : (ENTITIES[name] ?? ''),
    )
    .replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

/** The sheet names of the workbook, in order, with the part each is stored in. */
export function workbookSheets(entries: Map<string, Buffer>): { name: string; path: string }[] {
  const workbook = entries.get('xl/workbook.xml')?.toString('utf8') ?? '';
  return [...workbook.matchAll(/<sheet name="([^"]*)" sheetId="(\d+)"/g)].map((match) => ({
    name: decodeCellText(match[1] ?? ''),
    path: `xl/worksheets/sheet${match[2]}.xml`,
  }));
}

/** A worksheet's rows: each cell's text by column position (empty where no cell is written). */
export function sheetRows(xml: string): string[][] {
  const rows: string[][] = [];
  for (const row of xml.matchAll(/<row r="\d+">(.*?)<\/row>/gs)) {
    const cells: string[] = [];
    for (const cell of (row[1] ?? '').matchAll(/<c r="([A-Z]+)\d+"[^>]*?(?:\/>|>(.*?)<\/c>)/gs)) {
      const column = [...(cell[1] ?? '')].reduce((sum, letter) => sum * 26 + letter.charCodeAt(0) - 64, 0) - 1;
      const body = cell[2] ?? '';
      const text = /<t[^>]*>(.*?)<\/t>/s.exec(body)?.[1] ?? /<v>(.*?)<\/v>/s.exec(body)?.[1] ?? '';
      while (cells.length < column) cells.push('');
      cells[column] = decodeCellText(text);
    }
    rows.push(cells);
  }
  return rows;
}

/** Every sheet of an .xlsx as rows of cell texts, by sheet name in workbook order. */
export function xlsxSheets(bytes: Buffer): Map<string, string[][]> {
  const entries = zipEntries(bytes);
  return new Map(
    workbookSheets(entries).map(({ name, path }) => [name, sheetRows(entries.get(path)?.toString('utf8') ?? '')]),
  );
}
