// Where output goes: a file (written under a temporary name and renamed, so a failed run never leaves a partial
// file under the final name) or stdout.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export function partialPathOf(path: string): string {
  return `${path}.partial-${process.pid}`;
}

export async function writeFileAtomically(path: string, source: Readable): Promise<void> {
  const partial = partialPathOf(path);
  try {
    await pipeline(source, createWriteStream(partial));
    await rename(partial, path);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}

/** Writes `source` to `output`, or to stdout when no file is named. */
export async function writeOutput(output: string | undefined, source: Readable | string): Promise<void> {
  const readable = typeof source === 'string' ? Readable.from([source]) : source;
  if (output !== undefined) return writeFileAtomically(output, readable);
  for await (const chunk of readable) {
    if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
}
