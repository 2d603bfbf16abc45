// The server's token signing key from the edge: `--signing-key-file` (or LAPSE_SIGNING_KEY_FILE) names a PEM or
// JWK file, or LAPSE_SIGNING_KEY holds one. Given either, the database keeps only the public key.
import { readFile, stat } from 'node:fs/promises';
import { type ExternalSigningKey, parseSigningKey } from '../server/auth/index.js';
import type { Environment } from './environment.js';
import { UsageError } from './exit-codes.js';

async function readKeyFile(path: string): Promise<string> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch {
    throw new UsageError(`signing key file ${path} not found`);
  }
  // The file is the key to every tenant's data: refuse it while anyone but its owner can read it.
  if ((mode & 0o077) !== 0) {
    throw new UsageError(`signing key file ${path} is readable by group or others; run: chmod 600 ${path}`);
  }
  return readFile(path, 'utf8');
}

/** The key given, or undefined: the server then keeps its keys in the database. */
export async function readSigningKey(
  file: string | undefined,
  environment: Environment,
): Promise<ExternalSigningKey | undefined> {
  const path = file ?? environment.LAPSE_SIGNING_KEY_FILE;
  if (path !== undefined && environment.LAPSE_SIGNING_KEY !== undefined) {
    throw new UsageError('give the signing key once: a key file or LAPSE_SIGNING_KEY, not both');
  }
  const text = path !== undefined ? await readKeyFile(path) : environment.LAPSE_SIGNING_KEY;
  if (text === undefined) return undefined;
  try {
    return await parseSigningKey(text);
  } catch (error) {
    throw new UsageError(`${path ?? 'LAPSE_SIGNING_KEY'}: ${(error as Error).message}`);
  }
}
