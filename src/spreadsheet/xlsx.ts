// contract §5: the Excel export. Worksheet XML written row by row into a streaming zip (yazl), so memory stays
// flat; past the per-sheet row limit the rows continue on "Companies (2)" and so on.
import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { EXCEL_MAX_DATA_ROWS, type ExportRecord } from '../contract/index.js';
import { streamPulled } from './pulled-stream.js';
import { RowReader } from './row-reader.js';
import { EXPORT_LAYOUT, recordRowXml, type SheetLayout } from './xlsx-cells.js';
import {
  contentTypesXml,
  ROOT_RELS_XML,
  type SheetSummary,
  STYLES_XML,
  sheetHeadXml,
  sheetName,
  sheetPath,
  sheetTailXml,
  workbookRelsXml,
  workbookXml,
} from './xlsx-package.js';

export interface XlsxOptions {
  /** Data rows per sheet before the next sheet starts; defaults to Excel's limit (contract §5). */
  maxDataRowsPerSheet?: number;
  /** The columns and sheet name (default: the export's, contract §5). */
  layout?: SheetLayout;
}

const SHEET_HEAD = sheetHeadXml(EXPORT_LAYOUT);

/** Rows per chunk: big enough to amortise the per-chunk cost of the zip pipeline, small enough to stay flat. */
const ROWS_PER_CHUNK = 256;
/** Deflate level 1: faster than zlib's default 6, for somewhat larger files (`npm run bench -- export` measures the writer). */
const COMPRESSION_LEVEL = 1;

/** One worksheet's XML, pulling at most `maxDataRows` rows; `onLastChunk` hears how many it took. */
function streamSheet(
  reader: RowReader<ExportRecord>,
  layout: SheetLayout,
  maxDataRows: number,
  onLastChunk: (dataRowCount: number) => void,
): Readable {
  let head = layout === EXPORT_LAYOUT ? SHEET_HEAD : sheetHeadXml(layout);
  let dataRowCount = 0;
  let isEnded = false;
  return streamPulled(
    async () => {
      if (isEnded) return null;
      const wanted = Math.min(ROWS_PER_CHUNK, maxDataRows - dataRowCount);
      const batch = await reader.read(wanted);
      let xml = head;
      head = '';
      for (const record of batch) {
        dataRowCount++;
        xml += recordRowXml(dataRowCount + 1, record, layout);
      }
      if (batch.length < wanted || dataRowCount === maxDataRows) {
        isEnded = true;
        xml += sheetTailXml(dataRowCount, layout);
        onLastChunk(dataRowCount);
      }
      return xml;
    },
    // The workbook's stream owns the reader: a sheet that ends at its row limit must leave the source open.
    () => undefined,
  );
}

/**
 * The .xlsx bytes of `records` (read in batches). No byte comes before the first row has been read (or the source proved empty),
 * so a source that fails at once fails before any byte. A source error later destroys the stream with that
 * error; destroying the stream calls the source's return().
 */
export function streamXlsx(records: AsyncIterable<readonly ExportRecord[]>, options: XlsxOptions = {}): Readable {
  const maxDataRows = options.maxDataRowsPerSheet ?? EXCEL_MAX_DATA_ROWS;
  const layout = options.layout ?? EXPORT_LAYOUT;
  if (!Number.isInteger(maxDataRows) || maxDataRows < 1 || maxDataRows > EXCEL_MAX_DATA_ROWS) {
    throw new RangeError(`maxDataRowsPerSheet must be an integer from 1 to ${EXCEL_MAX_DATA_ROWS}`);
  }
  const reader = new RowReader(records);
  const sheets: SheetSummary[] = [];
  let zip: ZipFile | undefined;
  let currentSheet: Readable | undefined;
  let isStarted = false;

  const output = new Readable({
    read() {
      if (zip) zip.outputStream.resume();
      else if (!isStarted) start();
    },
    destroy(error, callback) {
      reader.close();
      currentSheet?.destroy();
      (zip?.outputStream as Readable | undefined)?.destroy();
      callback(error);
    },
  });
  const fail = (error: Error) => output.destroy(error);

  // contract §5: read the first row before writing the zip's first byte, so a source that fails at once is
  // still an error the route can answer with JSON.
  function start(): void {
    isStarted = true;
    reader.hasMore().then(() => {
      if (output.destroyed) return;
      const started = new ZipFile();
      zip = started;
      started.on('error', fail);
      started.outputStream.on('data', (chunk: Buffer) => {
        if (!output.push(chunk)) started.outputStream.pause();
      });
      started.outputStream.on('end', () => output.push(null));
      addSheet(started);
    }, fail);
  }

  function addSheet(target: ZipFile): void {
    if (output.destroyed) return;
    const sheetIndex = sheets.length;
    const summary: SheetSummary = { name: sheetName(sheetIndex, layout.title), dataRowCount: 0 };
    sheets.push(summary);
    currentSheet = streamSheet(reader, layout, maxDataRows, (dataRowCount) => {
      summary.dataRowCount = dataRowCount;
      reader.hasMore().then((hasMore) => (hasMore ? addSheet(target) : finish(target)), fail);
    });
    currentSheet.on('error', fail);
    target.addReadStream(currentSheet, sheetPath(sheetIndex), { compressionLevel: COMPRESSION_LEVEL });
  }

  function finish(target: ZipFile): void {
    if (output.destroyed) return;
    const parts: [string, string][] = [
      ['xl/styles.xml', STYLES_XML],
      ['xl/workbook.xml', workbookXml(sheets, layout)],
      ['xl/_rels/workbook.xml.rels', workbookRelsXml(sheets.length)],
      ['_rels/.rels', ROOT_RELS_XML],
      ['[Content_Types].xml', contentTypesXml(sheets.length)],
    ];
    for (const [path, xml] of parts) target.addBuffer(Buffer.from(xml), path);
    target.end();
  }

  return output;
}
