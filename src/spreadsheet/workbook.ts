// A workbook of several sheets, each with columns of its own, from rows already in hand: lapse's own files (a
// listing and its About sheet; a roll-up, a sheet per group and the About sheet). The contract's export streams
// through xlsx.ts instead.
import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { EXCEL_MAX_DATA_ROWS, type ExportRecord } from '../contract/index.js';
import { recordRowXml, type SheetLayout } from './xlsx-cells.js';
import {
  contentTypesXml,
  ROOT_RELS_XML,
  type SheetSummary,
  STYLES_XML,
  sheetHeadXml,
  sheetPath,
  sheetTailXml,
  workbookRelsXml,
  workbookXml,
} from './xlsx-package.js';

export interface WorkbookSheet {
  /** A valid, unique sheet name (uniqueSheetNames); rows past Excel's limit go on to "name (2)" and so on. */
  name: string;
  layout: SheetLayout;
  records: readonly ExportRecord[];
}

function sheetXml(layout: SheetLayout, records: readonly ExportRecord[]): string {
  let xml = sheetHeadXml(layout);
  for (let index = 0; index < records.length; index++) xml += recordRowXml(index + 2, records[index] ?? [], layout);
  return xml + sheetTailXml(records.length, layout);
}

/** Each sheet cut at Excel's row limit, the parts after the first named as the contract's export names them. */
function splitSheets(sheets: readonly WorkbookSheet[], maxDataRows: number): WorkbookSheet[] {
  return sheets.flatMap((sheet) => {
    const parts: WorkbookSheet[] = [];
    for (let start = 0; start === 0 || start < sheet.records.length; start += maxDataRows) {
      const name = parts.length === 0 ? sheet.name : `${sheet.name} (${parts.length + 1})`;
      parts.push({ ...sheet, name, records: sheet.records.slice(start, start + maxDataRows) });
    }
    return parts;
  });
}

/** The .xlsx bytes of the sheets, in order. */
export function streamWorkbook(sheets: readonly WorkbookSheet[], maxDataRows = EXCEL_MAX_DATA_ROWS): Readable {
  const parts = splitSheets(sheets, maxDataRows);
  const first = parts[0];
  if (first === undefined) throw new RangeError('a workbook needs a sheet');
  const zip = new ZipFile();
  parts.forEach((sheet, index) => {
    zip.addBuffer(Buffer.from(sheetXml(sheet.layout, sheet.records)), sheetPath(index), { compressionLevel: 1 });
  });
  const summaries: SheetSummary[] = parts.map((sheet) => ({
    name: sheet.name,
    dataRowCount: sheet.records.length,
    layout: sheet.layout,
  }));
  const fixed: [string, string][] = [
    ['xl/styles.xml', STYLES_XML],
    ['xl/workbook.xml', workbookXml(summaries, first.layout)],
    ['xl/_rels/workbook.xml.rels', workbookRelsXml(parts.length)],
    ['_rels/.rels', ROOT_RELS_XML],
    ['[Content_Types].xml', contentTypesXml(parts.length)],
  ];
  for (const [path, xml] of fixed) zip.addBuffer(Buffer.from(xml), path);
  zip.end();
  return zip.outputStream as Readable;
}
