// Export serialisers against libraries: rows/s and peak RSS of our CSV and Excel streams, csv-stringify (its
// sync API per chunk, as an export would call it, and its stream API) and exceljs's streaming WorkbookWriter, on
// the same generated records handed over in batches of 1,000, as the server's export reads them (contract §5).
//
//   node --import tsx bench/export-writers.ts [rows]      (default 200000)
//
// Each writer runs in its own child process, so one writer's heap cannot inflate another's peak RSS.
import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import type ExcelJS from 'exceljs';
import { EXPORT_COLUMNS, type ExportRecord, exportRecordOf, neutraliseFormula } from '../src/contract/index.js';
import { streamCsv, streamXlsx } from '../src/spreadsheet/index.js';
import { makeCompanies } from '../test/support/sample-companies.js';

const DEFAULT_ROWS = 200_000;
/** Distinct rows made before timing starts; the writers then cycle through them. */
const ROW_POOL_SIZE = 10_000;
/** Records per batch, as the server's export reads rows from the database. */
const BATCH_SIZE = 1000;
const THIS_FILE = fileURLToPath(import.meta.url);
const REPO_ROOT = resolve(dirname(THIS_FILE), '..');

type RecordBatches = AsyncIterable<readonly ExportRecord[]>;

/** Realistic records at no generation cost inside the timing, in flat memory: the pool handed out in turn. */
async function* pooledBatches(count: number, pool: readonly ExportRecord[]): AsyncGenerator<ExportRecord[]> {
  for (let start = 0; start < count; start += BATCH_SIZE) {
    const batch: ExportRecord[] = [];
    for (let i = start; i < Math.min(count, start + BATCH_SIZE); i++) batch.push(pool[i % pool.length] as ExportRecord);
    yield batch;
  }
}

/** A sink that counts bytes and drops them, so the disk is not measured. */
function countingSink(): { sink: Writable; bytes: () => number } {
  let bytes = 0;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      bytes += chunk.length;
      callback();
    },
  });
  return { sink, bytes: () => bytes };
}

/** The same cell values for every writer: text neutralised, dates as Date for exceljs. */
function exceljsCells(record: ExportRecord): ExcelJS.CellValue[] {
  return record.map((value, index) => {
    if (typeof value !== 'string') return value;
    if (EXPORT_COLUMNS[index]?.kind === 'date') return new Date(`${value}T00:00:00Z`);
    return neutraliseFormula(value);
  });
}

async function writeWithExceljs(exceljs: typeof ExcelJS, batches: RecordBatches, sink: Writable): Promise<void> {
  const workbook = new exceljs.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: false, useStyles: true });
  const worksheet = workbook.addWorksheet('Companies', { views: [{ state: 'frozen', ySplit: 1 }] });
  worksheet.columns = EXPORT_COLUMNS.map((column) => ({
    header: column.header,
    width: 16,
    style: column.kind === 'date' ? { numFmt: 'yyyy-mm-dd' } : {},
  }));
  worksheet.getRow(1).font = { bold: true };
  worksheet.autoFilter = `A1:${String.fromCharCode(64 + EXPORT_COLUMNS.length)}1`;
  for await (const batch of batches) for (const record of batch) worksheet.addRow(exceljsCells(record)).commit();
  worksheet.commit();
  await workbook.commit();
}

/** The cells as csv-stringify takes them: text neutralised, nulls empty. */
function csvCells(record: ExportRecord): string[] {
  return record.map((value) => {
    if (value === null) return '';
    return typeof value === 'string' ? neutraliseFormula(value) : String(value);
  });
}

const CSV_STRINGIFY_OPTIONS = { record_delimiter: 'windows', quoted_match: /[\r\n]/ } as const;

/** csv-stringify's sync API on each batch, the way an export would use it to keep its chunks flat. */
async function* csvStringifyChunks(batches: RecordBatches): AsyncGenerator<string> {
  yield `\uFEFF${stringifySync([EXPORT_COLUMNS.map((c) => c.header)], CSV_STRINGIFY_OPTIONS)}`;
  for await (const batch of batches) yield stringifySync(batch.map(csvCells), CSV_STRINGIFY_OPTIONS);
}

async function* csvStringifyRecords(batches: RecordBatches) {
  for await (const batch of batches) for (const record of batch) yield csvCells(record);
}

type Write = (batches: RecordBatches, sink: Writable) => Promise<void>;

/** Each writer loads what it needs before the clock starts, and only in its own process. */
const WRITERS: Record<string, { label: string; prepare(): Promise<Write> }> = {
  'lapse-csv': {
    label: 'lapse streamCsv (hand-written RFC 4180)',
    prepare: async () => (batches, sink) => pipeline(streamCsv(batches), sink),
  },
  'csv-stringify-sync': {
    label: 'csv-stringify sync API, per batch',
    prepare: async () => (batches, sink) => pipeline(Readable.from(csvStringifyChunks(batches)), sink),
  },
  'csv-stringify': {
    label: 'csv-stringify stream API, record by record',
    prepare: async () => (batches, sink) =>
      pipeline(
        Readable.from(csvStringifyRecords(batches)),
        stringify({ bom: true, header: true, columns: EXPORT_COLUMNS.map((c) => c.header), ...CSV_STRINGIFY_OPTIONS }),
        sink,
      ),
  },
  'lapse-xlsx': {
    label: 'lapse streamXlsx (yazl, deflate level 1)',
    prepare: async () => (batches, sink) => pipeline(streamXlsx(batches), sink),
  },
  exceljs: {
    label: 'exceljs stream.xlsx.WorkbookWriter',
    prepare: async () => {
      const { default: exceljs } = await import('exceljs');
      return (batches, sink) => writeWithExceljs(exceljs, batches, sink);
    },
  },
};

interface Measurement {
  writer: string;
  rows: number;
  seconds: number;
  /** CPU time of the process, zlib's thread pool included: steadier than wall time on a busy machine. */
  cpuSeconds: number;
  bytes: number;
  startRssBytes: number;
  peakRssBytes: number;
}

/** Runs one writer in this process: output counted, not kept; RSS sampled every 10 ms. */
async function measureWriter(writer: string, rows: number): Promise<Measurement> {
  const entry = WRITERS[writer];
  if (!entry) throw new Error(`unknown writer ${writer}`);
  const write = await entry.prepare();
  const pool = makeCompanies(ROW_POOL_SIZE).map(exportRecordOf);
  const startRssBytes = process.memoryUsage.rss();
  let peakRssBytes = startRssBytes;
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
  }, 10);
  const { sink, bytes } = countingSink();
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  try {
    await write(pooledBatches(rows, pool), sink);
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
  return { writer, rows, seconds, cpuSeconds, bytes: bytes(), startRssBytes, peakRssBytes };
}

const execFileAsync = promisify(execFile);

async function measureInChild(writer: string, rows: number): Promise<Measurement> {
  const { stdout } = await execFileAsync(
    process.execPath,
    ['--import', 'tsx', THIS_FILE, '--writer', writer, String(rows)],
    { cwd: REPO_ROOT, maxBuffer: 1 << 20 },
  );
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as Measurement;
}

const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);

function markdownTable(measurements: Measurement[]): string {
  const find = (writer: string) => measurements.find((m) => m.writer === writer) as Measurement;
  const ratio = (of: (m: Measurement) => number, ours = 'lapse-xlsx', theirs = 'exceljs') =>
    (of(find(ours)) / of(find(theirs))).toFixed(2);
  const rate = (m: Measurement) => m.rows / m.seconds;
  const lines = [
    '| writer | rows | seconds | rows/s | CPU s | rows per CPU s | output MB | RSS at start MB | peak RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...measurements.map(
      (m) =>
        `| ${WRITERS[m.writer]?.label} | ${m.rows} | ${m.seconds.toFixed(2)} | ${Math.round(m.rows / m.seconds)} | ` +
        `${m.cpuSeconds.toFixed(2)} | ${Math.round(m.rows / m.cpuSeconds)} | ${mb(m.bytes)} | ${mb(m.startRssBytes)} | ${mb(m.peakRssBytes)} |`,
    ),
    '',
    `streamXlsx against exceljs WorkbookWriter: ${ratio((m) => m.rows / m.seconds)}× the rows/s, ` +
      `${ratio((m) => m.rows / m.cpuSeconds)}× the rows per CPU second (target ≥ 2×).`,
    `streamCsv against csv-stringify: ${ratio(rate, 'lapse-csv', 'csv-stringify-sync')}× its sync API per batch, ` +
      `${ratio(rate, 'lapse-csv', 'csv-stringify')}× its stream API (why the CSV is written by hand).`,
  ];
  return lines.join('\n');
}

/** Measures every writer on `rows` generated rows, one child process each, and returns a markdown table. */
export async function runExportWriterBench(rows: number = DEFAULT_ROWS): Promise<string> {
  const measurements: Measurement[] = [];
  // One after the other: the writers must not compete for the CPU.
  for (const writer of Object.keys(WRITERS)) measurements.push(await measureInChild(writer, rows));
  return markdownTable(measurements);
}

async function main(args: string[]): Promise<void> {
  if (args[0] === '--writer') {
    const measurement = await measureWriter(args[1] ?? '', Number(args[2] ?? DEFAULT_ROWS));
    process.stdout.write(`${JSON.stringify(measurement)}\n`);
    return;
  }
  const rows = Number(args[0] ?? DEFAULT_ROWS);
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`rows must be a positive integer, not ${args[0]}`);
  process.stdout.write(`${await runExportWriterBench(rows)}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === THIS_FILE) await main(process.argv.slice(2));
