// Writes a benchmark's section into docs/benchmarks.md (replacing that section, keeping the others), with the
// command, the machine and the date, so the file is always the latest run of each benchmark.
import { readFile, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const FILE = join(dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'benchmarks.md');
const TITLE =
  '# Benchmarks\n\nEach section is written by `npm run bench -- <name>`; numbers are from one run on the machine named.\n';

export function machineLine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${process.platform}`;
}

/** `npm run bench -- name`, led by the size when LAPSE_BENCH_COMPANIES set it. */
export function benchCommand(name: string): string {
  const size = process.env.LAPSE_BENCH_COMPANIES;
  return `${size ? `LAPSE_BENCH_COMPANIES=${size} ` : ''}npm run bench -- ${name}`;
}

export async function writeSection(name: string, command: string, body: string): Promise<void> {
  let text = TITLE;
  try {
    text = await readFile(FILE, 'utf8');
  } catch {}
  const begin = `<!-- bench:${name}:begin -->`;
  const end = `<!-- bench:${name}:end -->`;
  const section = [
    begin,
    `## ${name}`,
    '',
    `Command: \`${command}\`  `,
    `Machine: ${machineLine()}  `,
    `Date: ${new Date().toISOString()}`,
    '',
    body.trim(),
    end,
  ].join('\n');
  const start = text.indexOf(begin);
  const stop = text.indexOf(end);
  text =
    start >= 0 && stop > start
      ? `${text.slice(0, start)}${section}${text.slice(stop + end.length)}`
      : `${text.trimEnd()}\n\n${section}\n`;
  await writeFile(FILE, text);
}

export function markdownTable(header: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return Number.NaN;
  const index = Math.min(sortedMs.length - 1, Math.ceil((p / 100) * sortedMs.length) - 1);
  return sortedMs[Math.max(0, index)] as number;
}

export const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** The latency target the search benchmarks hold HTTP to: p50 at most 3× the same SQL's p50 + 1 ms. */
export function sqlTargetCell(httpP50: number, sqlP50: number): string {
  const target = 3 * sqlP50 + 1;
  return `${fmt(target)} ${httpP50 <= target ? '✅' : '❌'}`;
}
