// Export serialisers against libraries: rows/s and peak RSS of our CSV and Excel streams, csv-stringify's own
// stream API and exceljs's streaming WorkbookWriter, on the same generated rows (contract §5).
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
import type ExcelJS from 'exceljs';
import { EXPORT_COLUMNS, neutraliseFormula, type SearchCompanyDto } from '../src/contract/index.js';
import { streamCsv, streamXlsx } from '../src/server/export/index.js';
import { makeCompanies } from '../src/server/export/sample-companies.js';

const DEFAULT_ROWS = 200_000;
/** Distinct rows made before timing starts; the writers then cycle through them. */
const ROW_POOL_SIZE = 10_000;
const THIS_FILE = fileURLToPath(import.meta.url);
const REPO_ROOT = resolve(dirname(THIS_FILE), '..');

/** Realistic rows at no generation cost inside the timing, in flat memory: the pool handed out in turn. */
async function* pooledCompanies(count: number, pool: readonly SearchCompanyDto[]): AsyncGenerator<SearchCompanyDto> {
  for (let i = 0; i < count; i++) yield pool[i % pool.length] as SearchCompanyDto;
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
function exceljsCells(company: SearchCompanyDto): ExcelJS.CellValue[] {
  return EXPORT_COLUMNS.map((column) => {
    const value = column.value(company);
    if (typeof value !== 'string') return value;
    if (column.kind === 'date') return new Date(`${value}T00:00:00Z`);
    return neutraliseFormula(value);
  });
}

async function writeWithExceljs(
  exceljs: typeof ExcelJS,
  rows: AsyncIterable<SearchCompanyDto>,
  sink: Writable,
): Promise<void> {
  const workbook = new exceljs.stream.xlsx.WorkbookWriter({ stream: sink, useSharedStrings: false, useStyles: true });
  const worksheet = workbook.addWorksheet('Companies', { views: [{ state: 'frozen', ySplit: 1 }] });
  worksheet.columns = EXPORT_COLUMNS.map((column) => ({
    header: column.header,
    width: 16,
    style: column.kind === 'date' ? { numFmt: 'yyyy-mm-dd' } : {},
  }));
  worksheet.getRow(1).font = { bold: true };
  worksheet.autoFilter = `A1:${String.fromCharCode(64 + EXPORT_COLUMNS.length)}1`;
  for await (const company of rows) worksheet.addRow(exceljsCells(company)).commit();
  worksheet.commit();
  await workbook.commit();
}

function csvRecord(company: SearchCompanyDto): string[] {
  return EXPORT_COLUMNS.map((column) => {
    const value = column.value(company);
    if (value === null) return '';
    return typeof value === 'string' && column.kind !== 'date' ? neutraliseFormula(value) : String(value);
  });
}

async function* csvRecords(rows: AsyncIterable<SearchCompanyDto>) {
  for await (const company of rows) yield csvRecord(company);
}

type Write = (rows: AsyncIterable<SearchCompanyDto>, sink: Writable) => Promise<void>;

/** Each writer loads what it needs before the clock starts, and only in its own process. */
const WRITERS: Record<string, { label: string; prepare(): Promise<Write> }> = {
  'lapse-csv': {
    label: 'lapse streamCsv (csv-stringify/sync per 256 rows)',
    prepare: async () => (rows, sink) => pipeline(streamCsv(rows), sink),
  },
  'csv-stringify': {
    label: 'csv-stringify stream API, record by record',
    prepare: async () => (rows, sink) =>
      pipeline(
        Readable.from(csvRecords(rows)),
        stringify({
          bom: true,
          header: true,
          columns: EXPORT_COLUMNS.map((c) => c.header),
          record_delimiter: 'windows',
          quoted_match: /[\r\n]/,
        }),
        sink,
      ),
  },
  'lapse-xlsx': {
    label: 'lapse streamXlsx (yazl, deflate level 1)',
    prepare: async () => (rows, sink) => pipeline(streamXlsx(rows), sink),
  },
  exceljs: {
    label: 'exceljs stream.xlsx.WorkbookWriter',
    prepare: async () => {
      const { default: exceljs } = await import('exceljs');
      return (rows, sink) => writeWithExceljs(exceljs, rows, sink);
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
  const pool = makeCompanies(ROW_POOL_SIZE);
  const startRssBytes = process.memoryUsage.rss();
  let peakRssBytes = startRssBytes;
  const sampler = setInterval(() => {
    peakRssBytes = Math.max(peakRssBytes, process.memoryUsage.rss());
  }, 10);
  const { sink, bytes } = countingSink();
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  try {
    await write(pooledCompanies(rows, pool), sink);
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
  const ratio = (of: (m: Measurement) => number) => (of(find('lapse-xlsx')) / of(find('exceljs'))).toFixed(2);
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
