// Where output goes, decided before any request is made: stdout (no --output, or `-`), a regular file (written
// under a temporary name in its own directory, synced and renamed, so a failed run never leaves a partial file
// under the final name), or anything else at the path (a device, a FIFO, /dev/stdout), written in place.
import { createHash, type Hash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { access, chmod, lstat, open, readlink, rename, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { UsageError } from '../exit-codes.js';

export type Destination =
  | { kind: 'stdout' }
  /** `path` is the regular file finally written: a symlink's target, so the link itself stays. */
  | { kind: 'file'; path: string; named: string; mode: number | undefined }
  | { kind: 'special'; path: string; named: string };

export const STDOUT: Destination = { kind: 'stdout' };

export interface DestinationRules {
  /** Refuse a regular file that already exists (export without --force). */
  refuseExisting?: boolean;
}

function codeOf(error: unknown): string | undefined {
  return (error as { code?: string } | null)?.code;
}

async function statOrUndefined(path: string, follow: boolean): Promise<Stats | undefined> {
  try {
    return follow ? await stat(path) : await lstat(path);
  } catch (error) {
    // ENOTDIR: a file where a directory should be, reported as such by the directory check.
    if (codeOf(error) === 'ENOENT' || codeOf(error) === 'ENOTDIR') return undefined;
    throw new UsageError(`--output ${path}: ${(error as Error).message}`);
  }
}

/** The path a chain of symlinks ends at (a dangling link: the missing file it names). */
async function followLinks(path: string): Promise<string> {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    const stats = await statOrUndefined(current, false);
    if (!stats?.isSymbolicLink()) return current;
    current = resolve(dirname(current), await readlink(current));
  }
  throw new UsageError(`--output ${path}: too many levels of symbolic links`);
}

async function assertDirectoryWritable(named: string, directory: string): Promise<void> {
  const stats = await statOrUndefined(directory, true);
  if (stats === undefined) throw new UsageError(`--output ${named}: directory ${directory} does not exist`);
  if (!stats.isDirectory()) throw new UsageError(`--output ${named}: ${directory} is not a directory`);
  try {
    await access(directory, constants.W_OK);
  } catch {
    throw new UsageError(`--output ${named}: directory ${directory} is not writable`);
  }
}

/** Names of the process's own stdout: written as stdout, since a socket behind it cannot be reopened. */
const STDOUT_NAMES = new Set(['-', '/dev/stdout', '/dev/fd/1', '/proc/self/fd/1']);

/**
 * Checks `output` and says how it will be written. Called before the first request, so a path that cannot be
 * written fails at once instead of after the whole listing was fetched.
 */
export async function resolveDestination(
  output: string | undefined,
  rules: DestinationRules = {},
): Promise<Destination> {
  if (output === undefined || STDOUT_NAMES.has(output)) return STDOUT;
  if (output === '') throw new UsageError('--output: empty file name (use - for stdout)');
  const stats = await statOrUndefined(output, true);
  if (stats?.isDirectory()) throw new UsageError(`--output ${output}: is a directory`);
  // /dev/stdout and /proc/self/fd/N name whatever the process holds open: never replace what is behind them.
  if ((stats !== undefined && !stats.isFile()) || /^\/(dev|proc)\//.test(resolve(output))) {
    return { kind: 'special', path: output, named: output };
  }
  const path = await followLinks(output);
  if (stats !== undefined) {
    if (rules.refuseExisting) throw new UsageError(`${output} exists: add --force to replace it`);
    try {
      await access(path, constants.W_OK);
    } catch {
      throw new UsageError(`--output ${output}: ${path} is not writable`);
    }
  }
  await assertDirectoryWritable(output, dirname(path));
  return { kind: 'file', path, named: output, mode: stats === undefined ? undefined : stats.mode & 0o7777 };
}

/** How a destination reads in a message: the name the user gave, or "stdout". */
export function describeDestination(destination: Destination): string {
  return destination.kind === 'stdout' ? 'stdout' : destination.named;
}

/** Set once stdout fails; a reader that went away (`| head`) is EPIPE, which ends the output quietly. */
let stdoutFailure: Error | undefined;

function watchStdout(): void {
  if (process.stdout.listeners('error').includes(recordStdoutFailure)) return;
  process.stdout.on('error', recordStdoutFailure);
}

function recordStdoutFailure(error: Error): void {
  stdoutFailure ??= error;
}

async function writeToStdout(source: AsyncIterable<unknown>): Promise<void> {
  watchStdout();
  for await (const chunk of source) {
    if (stdoutFailure === undefined && !process.stdout.write(chunk as Uint8Array | string)) {
      await new Promise((done) => {
        process.stdout.once('drain', done);
        process.stdout.once('error', done);
      });
    }
    // Leaving the loop stops the source: a download that nobody reads is not fetched to the end.
    if (stdoutFailure !== undefined) break;
  }
  if (stdoutFailure !== undefined && codeOf(stdoutFailure) !== 'EPIPE') {
    throw new UsageError(`cannot write stdout: ${describeSystemError(stdoutFailure)}`, { cause: stdoutFailure });
  }
}

/** "no space left on device (ENOSPC)": the system's words, without the temporary file's name. */
function describeSystemError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = codeOf(error);
  const words = /^[A-Z]+: ([^,]+)/.exec(message)?.[1] ?? message;
  return code === undefined ? words : `${words} (${code})`;
}

/** Runs a file system step; its failure names the file the user asked for and is a usage/IO error (exit 2). */
async function onFileSystem<T>(named: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw new UsageError(`cannot write ${named}: ${describeSystemError(error)}`, { cause: error });
  }
}

async function writeToHandle(
  path: string,
  named: string,
  flags: string,
  source: AsyncIterable<unknown>,
  sync: boolean,
  hash?: Hash,
) {
  const handle = await onFileSystem(named, () => open(path, flags, 0o666));
  try {
    for await (const chunk of source) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array);
      hash?.update(bytes);
      await onFileSystem(named, () => handle.write(bytes));
    }
    if (sync) await onFileSystem(named, () => handle.sync());
  } finally {
    await handle.close();
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } catch {
    // Some file systems cannot sync a directory; the rename itself is still atomic.
  } finally {
    await handle.close();
  }
}

export function partialPathOf(path: string): string {
  return `${path}.partial-${process.pid}`;
}

/** A file's sidecar: `<file>.manifest.json` beside a regular file, made from the file's SHA-256 once it is whole. */
export interface Sidecar {
  contentOf(sha256: string): string;
}

export const sidecarPathOf = (path: string) => `${path}.manifest.json`;

// The sidecar is renamed into place before the file: once the file stands under its name, a sidecar naming its
// hash stands beside it. A run stopped between the two renames leaves the new sidecar beside the old file (or
// none), and the old file's hash is not the one it names.
async function writeFileAtomically(
  destination: Extract<Destination, { kind: 'file' }>,
  source: AsyncIterable<unknown>,
  sidecar: Sidecar | undefined,
) {
  const partial = partialPathOf(destination.path);
  const sidecarPath = sidecarPathOf(destination.path);
  const sidecarPartial = partialPathOf(sidecarPath);
  const hash = sidecar === undefined ? undefined : createHash('sha256');
  try {
    await writeToHandle(partial, destination.named, 'wx', source, true, hash);
    const { mode } = destination;
    if (mode !== undefined) await onFileSystem(destination.named, () => chmod(partial, mode));
    if (sidecar !== undefined && hash !== undefined) {
      const content = sidecar.contentOf(hash.digest('hex'));
      await writeToHandle(sidecarPartial, sidecarPathOf(destination.named), 'wx', Readable.from([content]), true);
      await onFileSystem(destination.named, () => rename(sidecarPartial, sidecarPath));
    }
    await onFileSystem(destination.named, () => rename(partial, destination.path));
  } catch (error) {
    await rm(partial, { force: true });
    await rm(sidecarPartial, { force: true });
    throw error;
  }
  await syncDirectory(dirname(destination.path));
}

/**
 * Writes `source` to the destination; a regular file appears whole or not at all, with its sidecar when one is
 * given (stdout, a FIFO or a device get none: there is no file beside them to describe).
 */
export async function writeOutput(
  destination: Destination,
  source: Readable | string,
  sidecar?: Sidecar,
): Promise<void> {
  const readable = typeof source === 'string' ? Readable.from([source]) : source;
  if (destination.kind === 'stdout') return writeToStdout(readable);
  if (destination.kind === 'special') return writeToHandle(destination.path, destination.named, 'w', readable, false);
  return writeFileAtomically(destination, readable, sidecar);
}
