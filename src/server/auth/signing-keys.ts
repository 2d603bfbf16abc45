// The key ring: the keys that sign and verify tokens (EdDSA / Ed25519), read from the key table so that every
// instance signs with the same key and verifies the others'. The ring reloads the table when the database says
// it changed: on SQLite when the data version moves (checked on every use), on PostgreSQL, which has no data
// version, at most RECHECK_MS after the last read. A rotation or revocation thus reaches every instance at once
// on SQLite and within RECHECK_MS on PostgreSQL (SECURITY.md, "Signing keys").
import { performance } from 'node:perf_hooks';
import { importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { createVerifiedTokens } from '../cache/index.js';
import type { Storage } from '../db/index.js';
import { ApiError } from '../errors.js';
import {
  insertGeneratedKey,
  isVerifying,
  readSigningKeyRows,
  type SigningKeyRow,
  signingRowOf,
} from './signing-key-rows.js';
import { type ExternalSigningKey, SIGNING_ALGORITHM } from './signing-key-source.js';

const RECHECK_MS = 1_000;

type ImportedKey = CryptoKey | Uint8Array;

interface RingKey {
  row: SigningKeyRow;
  publicKey: ImportedKey;
  privateKey?: ImportedKey;
}

export interface KeyRing {
  sign(claims: JWTPayload, expiresAtSeconds: number, issuedAtSeconds: number): Promise<string>;
  /**
   * Verifies signature, algorithm, issuer, expiry and that its key still verifies; throws on any failure.
   * `dataVersion` is the storage's data version when the caller has read it already (one read per request).
   */
  verify(token: string, nowSeconds: number, dataVersion?: string | null): Promise<JWTPayload>;
  jwks(): Promise<{ keys: JWK[] }>;
}

export interface KeyRingOptions {
  issuer: string;
  now: () => number;
  /** The key given to this server; the table then holds only its public half. */
  signingKey?: ExternalSigningKey | undefined;
}

/** The state of the table a ring was built from: any change of a key's life makes it differ. */
function fingerprintOf(rows: readonly SigningKeyRow[]): string {
  return rows.map((r) => `${r.kid}:${r.retired_at}:${r.revoked_at}:${r.private_jwk === null}`).join(',');
}

/**
 * Puts a given key in the table as the one that signs: its public half only, every other key retired (it
 * verifies what it signed until that expires) and every private half the table held erased.
 */
async function installExternalKey(storage: Storage, key: ExternalSigningKey, nowMs: number): Promise<void> {
  await storage.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('signing_keys')
      .values({
        kid: key.kid,
        public_jwk: JSON.stringify(key.publicJwk),
        private_jwk: null,
        created_at: nowMs,
        retired_at: null,
        revoked_at: null,
      })
      .onConflict((oc) => oc.column('kid').doNothing())
      .execute();
    await trx
      .updateTable('signing_keys')
      .set({ retired_at: nowMs })
      .where('kid', '!=', key.kid)
      .where('retired_at', 'is', null)
      .execute();
    await trx.updateTable('signing_keys').set({ private_jwk: null }).where('private_jwk', 'is not', null).execute();
  });
}

export function createKeyRing(storage: Storage, options: KeyRingOptions): KeyRing {
  const { issuer, now, signingKey } = options;
  let keys: RingKey[] = [];
  let fingerprint: string | undefined;
  let loadedVersion: string | null = null;
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loading: Promise<void> | undefined;
  let installing: Promise<void> | undefined;
  const imported = new Map<string, Promise<ImportedKey>>();
  const externalPrivateKey = signingKey && importJWK(signingKey.privateJwk, SIGNING_ALGORITHM);
  let verified = createVerifiedTokens();

  function importOnce(jwkText: string): Promise<ImportedKey> {
    let key = imported.get(jwkText);
    if (!key) {
      key = importJWK(JSON.parse(jwkText) as JWK, SIGNING_ALGORITHM);
      imported.set(jwkText, key);
    }
    return key;
  }

  async function ringKeyOf(row: SigningKeyRow): Promise<RingKey> {
    const publicKey = await importOnce(row.public_jwk);
    if (signingKey?.kid === row.kid && externalPrivateKey)
      return { row, publicKey, privateKey: await externalPrivateKey };
    return row.private_jwk === null
      ? { row, publicKey }
      : { row, publicKey, privateKey: await importOnce(row.private_jwk) };
  }

  async function readRows(): Promise<SigningKeyRow[]> {
    if (signingKey) {
      // Once per process; a failure (the database away) is tried again on the next use.
      installing ??= installExternalKey(storage, signingKey, now()).catch((error: unknown) => {
        installing = undefined;
        throw error;
      });
      await installing;
    }
    const rows = await readSigningKeyRows(storage.db);
    if (signingKey || signingRowOf(rows)) return rows;
    // No key signs (a new database, or the signing key was revoked): this instance makes one.
    await insertGeneratedKey(storage.db, now());
    return readSigningKeyRows(storage.db);
  }

  function reload(version: string | null): Promise<void> {
    loading ??= (async () => {
      const rows = await readRows();
      const next = fingerprintOf(rows);
      if (next !== fingerprint) {
        keys = await Promise.all(rows.map(ringKeyOf));
        fingerprint = next;
        // A token verified before may be signed by a key revoked since.
        verified = createVerifiedTokens();
      }
      loadedVersion = version;
      loadedAt = performance.now();
    })().finally(() => {
      loading = undefined;
    });
    return loading;
  }

  /** The ring as the database has it now (see the module comment for how fresh). */
  async function current(knownVersion?: string | null): Promise<RingKey[]> {
    const version = knownVersion === undefined ? await storage.dataVersion() : knownVersion;
    const isStale =
      fingerprint === undefined ||
      (version === null ? performance.now() - loadedAt >= RECHECK_MS : version !== loadedVersion);
    if (isStale) await reload(version);
    return keys;
  }

  async function verifyingKey(kid: string | undefined): Promise<ImportedKey> {
    let key = (await current()).find((k) => k.row.kid === kid);
    // A key another instance made a moment ago; a made-up kid costs at most one read per RECHECK_MS.
    if (!key && kid !== undefined && performance.now() - loadedAt >= RECHECK_MS) {
      await reload(loadedVersion);
      key = keys.find((k) => k.row.kid === kid);
    }
    if (!key || !isVerifying(key.row, now())) throw new Error('unknown, retired or revoked key id');
    return key.publicKey;
  }

  return {
    async sign(claims, expiresAtSeconds, issuedAtSeconds) {
      const ring = await current();
      const row = signingRowOf(ring.map((k) => k.row));
      const key = ring.find((k) => k.row === row);
      if (!key?.privateKey) {
        // The service cannot issue tokens until an operator acts: unavailable, not a fault of the request.
        throw ApiError.unavailable(
          signingKey
            ? `the signing key ${signingKey.kid} is revoked or retired: start the server with a new key`
            : 'no signing key: the database holds only public keys (start the server with its signing key)',
        );
      }
      return new SignJWT(claims)
        .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: key.row.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setIssuedAt(issuedAtSeconds)
        .setExpirationTime(expiresAtSeconds)
        .sign(key.privateKey);
    },
    async verify(token, nowSeconds, dataVersion) {
      await current(dataVersion);
      const known = verified.get(token, nowSeconds);
      if (known) return known;
      const { payload } = await jwtVerify(token, (header) => verifyingKey(header.kid), {
        algorithms: [SIGNING_ALGORITHM],
        issuer,
        currentDate: new Date(nowSeconds * 1000),
        requiredClaims: ['exp', 'iat', 'sub', 'client_id'],
      });
      verified.remember(token, payload);
      return payload;
    },
    async jwks() {
      const nowMs = now();
      return {
        keys: (await current()).filter((k) => isVerifying(k.row, nowMs)).map((k) => JSON.parse(k.row.public_jwk)),
      };
    },
  };
}
