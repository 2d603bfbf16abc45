// Imports companies from a CSV in the export's column layout (contract §5), plus an optional "Reseller ID" column
// that wins over "Reseller Name", and optional "Monthly Users YYYY-MM" columns, each an earlier month's monthly
// active users. One transaction: a single bad line and nothing is written. Rows are written in tree order (a
// reseller in the file before its companies), so lapse's own export, in any order, imports as it is.
import { parse } from 'csv-parse/sync';
import {
  dayOf,
  EXPORT_COLUMNS,
  type ExportHeader,
  monthOf,
  parseMonthValue,
  restoreDelimitedFormulas,
  UNLIMITED,
} from '../../contract/index.js';
import type { Db } from '../db/index.js';
import { AdminError, AdminNotFoundError } from './admin-error.js';
import { type CompanyInput, createCompanyIn, inTransaction, updateCompanyIn } from './companies.js';
import type { CompanyChanges } from './company-changes.js';
import { findCompanyByResourceId, resolveCompany } from './company-reference.js';

export type CsvSource = string | Uint8Array | AsyncIterable<string | Uint8Array>;

export interface ImportSummary {
  created: number;
  updated: number;
  /** With `createParents`: the resellers created because neither the database nor the file held them. */
  createdParents?: number;
}

export interface ImportOptions {
  /**
   * Create a reseller that neither the database nor the file holds (by its Reseller ID and Reseller Name), under
   * the platform root, or as the root of an empty database.
   */
  createParents?: boolean;
  now?: number;
}

const RESELLER_ID = 'Reseller ID';
const KNOWN_HEADERS = [...EXPORT_COLUMNS.map((column) => column.header), RESELLER_ID];

interface CsvLine {
  line: number;
  cells: Map<string, string>;
}

/** A row's company: which one (Company ID), under which reseller, and the changes its other cells make. */
interface ImportRow {
  line: number;
  resourceId: string | undefined;
  /** Reseller ID, else Reseller Name. */
  parent: string | undefined;
  resellerId: string | undefined;
  resellerName: string | undefined;
  changes: CompanyChanges;
  /** Monthly active users by month (`YYYY-MM`), from the "Monthly Users YYYY-MM" columns. */
  usage: Map<string, number>;
}

/** contract §4 MonthlyActiveUser: a month's count beside the current one ("Monthly Users"). */
const MONTHLY_USERS_OF = /^monthly users (\S+)$/i;

/** The month a "Monthly Users YYYY-MM" header names; undefined for any other header. */
function usageMonthOfHeader(header: string): string | undefined {
  const match = MONTHLY_USERS_OF.exec(header.trim());
  if (!match) return undefined;
  const month = parseMonthValue(match[1] as string);
  if (month === undefined) throw new AdminError(`Column "${header}": "${match[1]}" is not a month YYYY-MM`);
  return month;
}

/** contract §5: the export prefixed `'` to text starting with = + - @ tab CR; only such a `'` is taken off. */

function wholeNumber(header: string, cell: string): number {
  if (!/^\d+$/.test(cell)) throw new AdminError(`${header}: "${cell}" is not a whole number`);
  return Number(cell);
}

type CellReader = (cell: string, changes: CompanyChanges, header: string) => void;

/**
 * How each column's cell changes the company; an empty number cell leaves the value as it is. Keyed by the
 * export's headers (contract §5), so a renamed column does not compile here; the columns not listed are read
 * elsewhere (ids, the reseller) or derived (License Expired).
 */
const CELL_READERS: { readonly [H in ExportHeader]?: CellReader } = {
  'Company Name': (cell, changes) => {
    changes.name = restoreDelimitedFormulas(cell);
  },
  Industry: (cell, changes) => {
    changes.industry = restoreDelimitedFormulas(cell) || null;
  },
  'License Type': (cell, changes) => {
    changes.licenseType = restoreDelimitedFormulas(cell) || null;
  },
  'Target Users': (cell, changes, header) => {
    if (cell !== '') changes.targetUserCount = wholeNumber(header, cell);
  },
  'Inactive Users': (cell, changes, header) => {
    if (cell !== '') changes.inactiveTargetUserCount = wholeNumber(header, cell);
  },
  'Deleted Users': (cell, changes, header) => {
    if (cell !== '') changes.deletedTargetUserCount = wholeNumber(header, cell);
  },
  'Monthly Users': (cell, changes, header) => {
    if (cell !== '') changes.monthlyActiveUserCount = wholeNumber(header, cell);
  },
  'License Limit': (cell, changes, header) => {
    if (cell === '') return;
    changes.isNumberOfUsersLimited = cell.toLowerCase() !== UNLIMITED.toLowerCase();
    if (changes.isNumberOfUsersLimited) changes.numberOfUsers = wholeNumber(header, cell);
  },
  // contract §5: tags are joined by ", ".
  Tags: (cell, changes) => {
    changes.tags = restoreDelimitedFormulas(cell)
      .split(', ')
      .filter((tag) => tag !== '');
  },
  'Renewal Date': (cell, changes) => {
    changes.licenseEndDate = cell || null;
  },
  'Date Created': (cell, changes) => {
    if (cell !== '') changes.createdDate = cell;
  },
};

async function readAll(source: CsvSource): Promise<Buffer> {
  if (typeof source === 'string') return Buffer.from(source, 'utf8');
  if (source instanceof Uint8Array) return Buffer.from(source);
  const chunks: Buffer[] = [];
  for await (const chunk of source)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** The line each record starts on, from the byte offsets where records end (a quoted cell may span lines). */
function startLines(text: Buffer, recordEnds: number[]): number[] {
  const LF = 0x0a;
  const CR = 0x0d;
  const lines: number[] = [];
  let line = 1;
  let position = 0;
  for (const end of recordEnds) {
    while (position < end && (text[position] === CR || text[position] === LF)) {
      if (text[position] === LF) line++;
      position++;
    }
    lines.push(line);
    for (; position < end; position++) if (text[position] === LF) line++;
  }
  return lines;
}

function readCsv(text: Buffer): CsvLine[] {
  let records: { record: string[]; info: { bytes: number } }[];
  try {
    // With `info`, each record comes with where it ends (its typings do not follow the option).
    records = parse(text, { bom: true, info: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (error) {
    throw new AdminError(`The CSV cannot be read: ${(error as Error).message}`);
  }
  const [header, ...rows] = records;
  if (header === undefined) throw new AdminError('The CSV is empty');
  const headers = header.record.map((name) => {
    const month = usageMonthOfHeader(name);
    if (month !== undefined) return `Monthly Users ${month}`;
    const known = KNOWN_HEADERS.find((candidate) => candidate.toLowerCase() === name.trim().toLowerCase());
    if (known === undefined)
      throw new AdminError(
        `Unknown column "${name}"; the columns are: ${KNOWN_HEADERS.join(', ')}, and "Monthly Users YYYY-MM"`,
      );
    return known;
  });
  if (new Set(headers).size !== headers.length) throw new AdminError('A column appears twice in the CSV header');
  if (!headers.includes('Company Name')) throw new AdminError('The CSV needs a "Company Name" column');
  const lines = startLines(
    text,
    records.map((entry) => entry.info.bytes),
  );
  return rows.map((row, index) => ({
    line: lines[index + 1] as number,
    cells: new Map(headers.map((name, column) => [name, row.record[column] ?? ''])),
  }));
}

/** A row's cells as the company they describe; a cell that cannot be read throws its problem. */
function readRow({ line, cells }: CsvLine): ImportRow {
  const changes: CompanyChanges = {};
  const usage = new Map<string, number>();
  for (const [header, cell] of cells) {
    CELL_READERS[header as ExportHeader]?.(cell, changes, header);
    const month = usageMonthOfHeader(header);
    if (month !== undefined && cell !== '') usage.set(month, wholeNumber(header, cell));
  }
  const resellerId = cells.get(RESELLER_ID) || undefined;
  const resellerName = restoreDelimitedFormulas(cells.get('Reseller Name') ?? '') || undefined;
  return {
    line,
    resourceId: cells.get('Company ID') || undefined,
    parent: resellerId ?? resellerName,
    resellerId,
    resellerName,
    changes,
    usage,
  };
}

/**
 * The rows with each one's reseller, when the file holds it (by Company ID, or by a Company Name no other row
 * has), before it; otherwise in the file's order. A cycle is left as it stands for the writes to refuse.
 */
export function inTreeOrder<T extends ImportRow>(rows: readonly T[]): T[] {
  const byId = new Map<string, number>();
  const byName = new Map<string, number | null>();
  rows.forEach((row, index) => {
    if (row.resourceId !== undefined) byId.set(row.resourceId, index);
    const name = row.changes.name;
    if (name !== undefined) byName.set(name, byName.has(name) ? null : index);
  });
  const parentOf = (row: T) =>
    row.resellerId !== undefined
      ? byId.get(row.resellerId)
      : row.resellerName === undefined
        ? undefined
        : (byName.get(row.resellerName) ?? undefined);
  const ordered: T[] = [];
  const state = new Uint8Array(rows.length); // 0 unseen, 1 on the current chain, 2 placed
  for (let start = 0; start < rows.length; start++) {
    // Walk up to the first ancestor not yet placed, then place the chain from the top down.
    const chain: number[] = [];
    for (let at: number | undefined = start; at !== undefined && state[at] === 0; at = parentOf(rows[at] as T)) {
      state[at] = 1;
      chain.push(at);
    }
    for (const index of chain.reverse()) {
      state[index] = 2;
      ordered.push(rows[index] as T);
    }
  }
  return ordered;
}

/** With createParents: the row's reseller, created when neither the database nor an earlier row holds it. */
async function ensureParent(db: Db, row: ImportRow, now: number): Promise<boolean> {
  if (row.parent === undefined) return false;
  try {
    await resolveCompany(db, row.parent);
    return false;
  } catch (error) {
    if (!(error instanceof AdminNotFoundError)) throw error;
  }
  const root = await db.selectFrom('companies').select('resource_id').where('parent_id', 'is', null).executeTakeFirst();
  const input: CompanyInput = { name: row.resellerName ?? row.parent, parent: root?.resource_id ?? null };
  if (row.resellerId !== undefined) input.resourceId = row.resellerId;
  await createCompanyIn(db, input, now);
  return true;
}

/** The row's months' counts for the company, replacing what those months held. */
async function writeUsage(db: Db, resourceId: string, usage: Map<string, number>): Promise<void> {
  if (usage.size === 0) return;
  const company = await findCompanyByResourceId(db, resourceId);
  if (company === undefined) return;
  const rows = [...usage].map(([month, count]) => ({ company_id: company.id, month, active_user_count: count }));
  await db
    .insertInto('monthly_usage')
    .values(rows)
    .onConflict((conflict) =>
      conflict
        .columns(['company_id', 'month'])
        .doUpdateSet((eb) => ({ active_user_count: eb.ref('excluded.active_user_count') })),
    )
    .execute();
}

async function importRow(db: Db, row: ImportRow, now: number): Promise<'created' | 'updated'> {
  const existing = row.resourceId === undefined ? undefined : await findCompanyByResourceId(db, row.resourceId);
  if (existing !== undefined) {
    const updated = await updateCompanyIn(db, existing, {
      ...row.changes,
      ...(row.parent === undefined ? {} : { parent: row.parent }),
    });
    await writeUsage(db, updated.resourceId, row.usage);
    return 'updated';
  }
  if (row.changes.name === undefined) throw new AdminError('A new company needs a Company Name');
  const input: CompanyInput = { ...row.changes, name: row.changes.name, parent: row.parent ?? null };
  if (row.resourceId !== undefined) input.resourceId = row.resourceId;
  const created = await createCompanyIn(db, input, now);
  await writeUsage(db, created.resourceId, row.usage);
  return 'created';
}

const problemOf = (line: number, error: unknown) => {
  if (!(error instanceof AdminError)) throw error;
  return `line ${line}: ${error.message}`;
};

/**
 * Rows with a Company ID that exists update that company; the others create one (keeping the given id).
 * A reseller must exist already or be in the file (or, with createParents, is created).
 */
export async function importCompanies(db: Db, source: CsvSource, options: ImportOptions = {}): Promise<ImportSummary> {
  const now = options.now ?? Date.now();
  const problems: string[] = [];
  const rows: ImportRow[] = [];
  const lines = readCsv(await readAll(source));
  const current = `Monthly Users ${monthOf(dayOf(now))}`;
  if (lines[0]?.cells.has(current)) {
    throw new AdminError(`Column "${current}" is the current month: its count is the "Monthly Users" column`);
  }
  for (const line of lines) {
    try {
      rows.push(readRow(line));
    } catch (error) {
      problems.push(problemOf(line.line, error));
    }
  }
  return inTransaction(db, async (trx) => {
    const summary: ImportSummary = { created: 0, updated: 0, ...(options.createParents && { createdParents: 0 }) };
    for (const row of inTreeOrder(rows)) {
      try {
        if (options.createParents && (await ensureParent(trx, row, now))) {
          summary.createdParents = (summary.createdParents ?? 0) + 1;
        }
        summary[await importRow(trx, row, now)]++;
      } catch (error) {
        problems.push(problemOf(row.line, error));
      }
    }
    if (problems.length > 0) {
      const lineNumber = (problem: string) => Number(/^line (\d+)/.exec(problem)?.[1]);
      problems.sort((a, b) => lineNumber(a) - lineNumber(b));
      throw new AdminError(`Nothing was imported: ${problems.length} line(s) have problems`, problems);
    }
    return summary;
  });
}
