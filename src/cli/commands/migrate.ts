// `lapse migrate`: copy a whole lapse database between SQLite and PostgreSQL, then prove the copy table by table;
// all or nothing (server/db/copy-database.ts).
import { type CopyReport, copyDatabase } from '../../server/db/index.js';
import type { RegisterCommands } from '../command-module.js';
import { integerOption } from '../integer-option.js';

interface MigrateFlags {
  from: string;
  to: string;
  json?: boolean;
  batchSize: number;
}

function formatSummary(report: CopyReport): string {
  const header = ['table', 'source rows', 'target rows', 'source checksum', 'target checksum', 'result'];
  const lines = report.tables.map((table) => [
    table.table,
    String(table.sourceRows),
    String(table.targetRows),
    table.sourceChecksum,
    table.targetChecksum,
    table.matches ? 'ok' : 'MISMATCH',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => line[column]?.length ?? 0)),
  );
  const format = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ');
  return [format(header), ...lines.map(format)].join('\n');
}

/** Progress on an interactive terminal only, so redirected output and scripts see just the summary. */
function showProgress(table: string, copiedRows: number): void {
  if (process.stderr.isTTY) process.stderr.write(`\rcopying ${table}: ${copiedRows} rows\u001b[K`);
}

async function migrate(flags: MigrateFlags): Promise<void> {
  let report: CopyReport;
  try {
    report = await copyDatabase(flags.from, flags.to, { batchSize: flags.batchSize, onProgress: showProgress });
  } catch (error) {
    // The progress line stays, and the error follows on a line of its own.
    if (process.stderr.isTTY) process.stderr.write('\n');
    throw error;
  }
  if (process.stderr.isTTY) process.stderr.write('\r\u001b[K');
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatSummary(report)}\n`);
  if (!report.matches) {
    const failed = report.tables.filter((table) => !table.matches).map((table) => table.table);
    throw new Error(`the copy does not match the source in: ${failed.join(', ')}; the target was left empty`);
  }
}

export const register: RegisterCommands = (program) => {
  program
    .command('migrate')
    .description(
      'Copy a whole lapse database to another one (SQLite file or postgres:// URL) and verify every table. ' +
        'The target is created or migrated, and must hold no rows; it keeps the copy only when every table ' +
        'verifies, and otherwise is left empty.',
    )
    .requiredOption('--from <file.db|url>', 'the database to copy from (only read)')
    .requiredOption('--to <file.db|url>', 'the empty database to copy into')
    .option('--batch-size <rows>', 'rows per read and write', integerOption({ min: 1, max: 100_000 }), 5000)
    .option('--json', 'print the per-table report as JSON')
    .action((flags: MigrateFlags) => migrate(flags));
};
