// The fixed parts of the Excel export's package (ECMA-376): content types, relationships, workbook, styles,
// and each worksheet's XML around its rows. Parts that list the sheets are written last, once their count is known.
import type { ExportCellKind } from '../contract/index.js';
import { EXPORT_LAYOUT, type SheetLayout } from './xlsx-cells.js';

const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PACKAGE_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';
const CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml';

/** A worksheet of the export: its name and how many data rows it holds (below its header row). */
export interface SheetSummary {
  name: string;
  dataRowCount: number;
  /** The sheet's own layout, when the workbook's sheets differ (default: the workbook's one layout). */
  layout?: SheetLayout;
}

/** contract §5: "Companies", then "Companies (2)", and so on. */
export function sheetName(sheetIndex: number, title = EXPORT_LAYOUT.title): string {
  return sheetIndex === 0 ? title : `${title} (${sheetIndex + 1})`;
}

export const sheetPath = (sheetIndex: number) => `xl/worksheets/sheet${sheetIndex + 1}.xml`;

// Streaming means widths cannot follow the data, so each kind of column gets a width that fits typical values,
// widened for a long header plus the auto-filter's drop-down button.
const WIDTH_BY_KIND: Record<ExportCellKind, number> = { text: 28, number: 12, date: 12, boolean: 10 };
function colsXml(layout: SheetLayout): string {
  return layout.columns
    .map((column, index) => {
      const width = Math.max(WIDTH_BY_KIND[column.kind], column.header.length + 4);
      return `<col min="${index + 1}" max="${index + 1}" width="${width}" customWidth="1"/>`;
    })
    .join('');
}

/** Everything of a worksheet before its data rows: frozen header pane, column widths, the header row. */
export function sheetHeadXml(layout: SheetLayout): string {
  return (
    `${XML_DECLARATION}<worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
    '<sheetViews><sheetView workbookViewId="0">' +
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' +
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>' +
    `</sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/><cols>${colsXml(layout)}</cols>` +
    `<sheetData>${layout.headerRowXml}`
  );
}

const filterRange = (dataRowCount: number, layout: SheetLayout) => `A1:${layout.lastColumn}${dataRowCount + 1}`;

/** Everything of a worksheet after its data rows: the auto-filter over the header and the rows below it. */
export function sheetTailXml(dataRowCount: number, layout: SheetLayout = EXPORT_LAYOUT): string {
  return `</sheetData><autoFilter ref="${filterRange(dataRowCount, layout)}"/></worksheet>`;
}

const escapeAttribute = (text: string) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

function absoluteRange(dataRowCount: number, layout: SheetLayout): string {
  return `$A$1:$${layout.lastColumn}$${dataRowCount + 1}`;
}

export function workbookXml(sheets: readonly SheetSummary[], layout: SheetLayout = EXPORT_LAYOUT): string {
  const sheetList = sheets
    .map((sheet, i) => `<sheet name="${escapeAttribute(sheet.name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`)
    .join('');
  // Excel keeps each sheet's auto-filter range in this hidden name as well as in the sheet.
  const filterNames = sheets
    .map(
      (sheet, i) =>
        `<definedName name="_xlnm._FilterDatabase" localSheetId="${i}" hidden="1">` +
        `${escapeAttribute(`'${sheet.name.replaceAll("'", "''")}'`)}!` +
        `${absoluteRange(sheet.dataRowCount, sheet.layout ?? layout)}</definedName>`,
    )
    .join('');
  return (
    `${XML_DECLARATION}<workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}">` +
    `<bookViews><workbookView/></bookViews><sheets>${sheetList}</sheets>` +
    `<definedNames>${filterNames}</definedNames></workbook>`
  );
}

export function workbookRelsXml(sheetCount: number): string {
  const sheetRels = Array.from(
    { length: sheetCount },
    (_, i) => `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  ).join('');
  return (
    `${XML_DECLARATION}<Relationships xmlns="${PACKAGE_REL_NS}">${sheetRels}` +
    `<Relationship Id="rId${sheetCount + 1}" Type="${REL_NS}/styles" Target="styles.xml"/></Relationships>`
  );
}

export function contentTypesXml(sheetCount: number): string {
  const sheetTypes = Array.from(
    { length: sheetCount },
    (_, i) => `<Override PartName="/${sheetPath(i)}" ContentType="${CONTENT_TYPE}.worksheet+xml"/>`,
  ).join('');
  return (
    `${XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
    '<Default Extension="xml" ContentType="application/xml"/>' +
    `<Override PartName="/xl/workbook.xml" ContentType="${CONTENT_TYPE}.sheet.main+xml"/>` +
    `<Override PartName="/xl/styles.xml" ContentType="${CONTENT_TYPE}.styles+xml"/>` +
    `${sheetTypes}</Types>`
  );
}

export const ROOT_RELS_XML =
  `${XML_DECLARATION}<Relationships xmlns="${PACKAGE_REL_NS}">` +
  `<Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`;

// Cell formats, numbered as CELL_STYLE says: 0 default, 1 bold header, 2 date as yyyy-mm-dd (like the CSV).
export const STYLES_XML =
  `${XML_DECLARATION}<styleSheet xmlns="${MAIN_NS}">` +
  '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>' +
  '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>' +
  '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>' +
  '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>' +
  '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>' +
  '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>' +
  '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>' +
  '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>' +
  '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>' +
  '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>';
