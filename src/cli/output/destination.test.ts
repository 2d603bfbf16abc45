import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveDestination, sidecarPathOf, writeOutput } from './destination.js';

describe('a sidecar beside a regular file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lapse-sidecar-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('is made from the SHA-256 of the bytes written, and stands beside the whole file', async () => {
    const path = join(dir, 'listing.csv');
    const chunks = ['a,b\r\n', Buffer.from('1,2\r\n'), 'x'.repeat(70_000)];
    await writeOutput(await resolveDestination(path), Readable.from(chunks), { contentOf: (sha256) => sha256 });
    const bytes = await readFile(path);
    expect(await readFile(sidecarPathOf(path), 'utf8')).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect((await readdir(dir)).sort()).toEqual(['listing.csv', 'listing.csv.manifest.json']);
  });

  it('is not written when the file fails, and leaves no temporary file', async () => {
    const path = join(dir, 'cut.csv');
    async function* failing() {
      yield 'a,b\r\n';
      throw new Error('connection reset');
    }
    const writing = writeOutput(await resolveDestination(path), Readable.from(failing()), { contentOf: () => '{}' });
    await expect(writing).rejects.toThrow(/connection reset/);
    expect(await readdir(dir)).toEqual([]);
  });
});
