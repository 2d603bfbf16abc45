// Token signing keys behind `lapse admin keys`: list, rotate (a new key signs at once, the old one verifies the
// tokens it signed until they expire) and revoke (the key verifies nothing from then on). Running servers see
// each change through their key ring (auth/signing-keys.ts).
import {
  insertGeneratedKey,
  isVerifying,
  readSigningKeyRows,
  type SigningKeyRow,
  signingRowOf,
  verifiesUntil,
} from '../auth/index.js';
import type { Db } from '../db/index.js';
import { AdminError, AdminNotFoundError } from './admin-error.js';

export type SigningKeyState = 'signing' | 'verifying' | 'revoked' | 'expired';

export interface SigningKeyListing {
  kid: string;
  state: SigningKeyState;
  /** False when the private key is held outside the database (a key file or the environment). */
  isPrivateKeyStored: boolean;
  /** ISO-8601 UTC. */
  createdAt: string;
  retiredAt: string | null;
  revokedAt: string | null;
  /** When the last token it signed expires; null while it signs. */
  verifiesUntil: string | null;
}

const isoOrNull = (ms: number | null) => (ms === null ? null : new Date(Number(ms)).toISOString());

function stateOf(row: SigningKeyRow, signing: SigningKeyRow | undefined, nowMs: number): SigningKeyState {
  if (row.revoked_at !== null) return 'revoked';
  if (row === signing) return 'signing';
  return isVerifying(row, nowMs) ? 'verifying' : 'expired';
}

function listingOf(row: SigningKeyRow, signing: SigningKeyRow | undefined, nowMs: number): SigningKeyListing {
  return {
    kid: row.kid,
    state: stateOf(row, signing, nowMs),
    isPrivateKeyStored: row.private_jwk !== null,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    retiredAt: isoOrNull(row.retired_at),
    revokedAt: isoOrNull(row.revoked_at),
    verifiesUntil: isoOrNull(verifiesUntil(row)),
  };
}

export async function listSigningKeys(db: Db, now = Date.now()): Promise<SigningKeyListing[]> {
  const rows = await readSigningKeyRows(db);
  const signing = signingRowOf(rows);
  return rows.map((row) => listingOf(row, signing, now));
}

/** A new key that signs from now on; keys that can verify nothing any more leave the table. */
export async function rotateSigningKey(db: Db, now = Date.now()): Promise<SigningKeyListing> {
  return db.transaction().execute(async (trx) => {
    const current = signingRowOf(await readSigningKeyRows(trx));
    if (current && current.private_jwk === null) {
      throw new AdminError(
        `The signing key ${current.kid} is held outside the database (--signing-key-file or LAPSE_SIGNING_KEY): ` +
          'rotate it by starting the servers with a new key',
      );
    }
    // A retired key never signs again: its private half goes, so a copy of the database taken later cannot use it.
    await trx
      .updateTable('signing_keys')
      .set({ retired_at: now, private_jwk: null })
      .where('retired_at', 'is', null)
      .execute();
    const kid = await insertGeneratedKey(trx, now);
    const rows = await readSigningKeyRows(trx);
    const gone = rows.filter((row) => !isVerifying(row, now)).map((row) => row.kid);
    if (gone.length > 0) await trx.deleteFrom('signing_keys').where('kid', 'in', gone).execute();
    const created = rows.find((row) => row.kid === kid) as SigningKeyRow;
    return listingOf(created, created, now);
  });
}

/**
 * The key verifies no token from now on, on every instance. When it was the key that signed, the next server to
 * sign makes a new one.
 */
export async function revokeSigningKey(db: Db, kid: string, now = Date.now()): Promise<SigningKeyListing> {
  const revoked = await db
    .updateTable('signing_keys')
    .set({ revoked_at: now, private_jwk: null })
    .where('kid', '=', kid)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!revoked) {
    const known = await db.selectFrom('signing_keys').select('kid').where('kid', '=', kid).executeTakeFirst();
    if (known) throw new AdminError(`The signing key ${kid} is already revoked`);
    throw new AdminNotFoundError(`No signing key has kid "${kid}"`);
  }
  return listingOf(revoked, undefined, now);
}
