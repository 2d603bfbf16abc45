// The life of a signing key, one rule each: which key signs, how long a retired key still verifies, and a new
// database-held key. The key ring (signing-keys.ts) and `lapse admin keys` both decide by these.
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import type { Selectable } from 'kysely';
import { TOKEN_LIFETIME_SECONDS } from '../../contract/index.js';
import type { Db } from '../db/index.js';
import type { SigningKeysTable } from '../db/schema.js';
import { publicJwkOf, SIGNING_ALGORITHM } from './signing-key-source.js';

export type SigningKeyRow = Selectable<SigningKeysTable>;

/** How far apart the clocks of the token's issuer and its verifier may be. */
export const CLOCK_SKEW_SECONDS = 60;

/** Every token a key signed has expired by then; null while the key is current (or revoked: it verifies nothing). */
export function verifiesUntil(row: SigningKeyRow): number | null {
  if (row.retired_at === null) return null;
  return Number(row.retired_at) + (TOKEN_LIFETIME_SECONDS + CLOCK_SKEW_SECONDS) * 1000;
}

export function isVerifying(row: SigningKeyRow, nowMs: number): boolean {
  if (row.revoked_at !== null) return false;
  const until = verifiesUntil(row);
  return until === null || nowMs < until;
}

/**
 * The oldest key neither retired nor revoked signs: instances that raced to create a key still agree, and a
 * rotation retires every other key.
 */
export function signingRowOf(rows: readonly SigningKeyRow[]): SigningKeyRow | undefined {
  return rows.find((row) => row.retired_at === null && row.revoked_at === null);
}

/** Oldest first, as signingRowOf expects. */
export function readSigningKeyRows(db: Db): Promise<SigningKeyRow[]> {
  return db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
}

/** A new Ed25519 key, both halves stored: for servers given no key of their own. */
export async function insertGeneratedKey(db: Db, nowMs: number): Promise<string> {
  const pair = await generateKeyPair(SIGNING_ALGORITHM, { crv: 'Ed25519', extractable: true });
  // Hex, not base64url: a kid is typed as a command-line argument (`lapse admin keys revoke KID`), and one
  // beginning with `-` would be read as an option.
  const kid = randomBytes(12).toString('hex');
  const privateJwk = { ...(await exportJWK(pair.privateKey)), kid, alg: SIGNING_ALGORITHM };
  await db
    .insertInto('signing_keys')
    .values({
      kid,
      public_jwk: JSON.stringify(publicJwkOf(await exportJWK(pair.publicKey), kid)),
      private_jwk: JSON.stringify(privateJwk),
      created_at: nowMs,
      retired_at: null,
      revoked_at: null,
    })
    .execute();
  return kid;
}
