// Token signing keys (EdDSA / Ed25519), persisted in the database so that restarts and other server instances
// sign and verify with the same keys. Every instance signs with the oldest key, so instances that raced to create
// the first key still agree; an unknown `kid` makes an instance reload the key table (another instance's key).
import { randomBytes } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, type JWK, type JWTPayload, jwtVerify, SignJWT } from 'jose';
import { createVerifiedTokens } from '../cache/index.js';
import type { Storage } from '../db/index.js';

const ALGORITHM = 'EdDSA';
const RELOAD_INTERVAL_MS = 5_000;

interface LoadedKey {
  kid: string;
  publicJwk: JWK;
  privateKey: CryptoKey | Uint8Array;
  publicKey: CryptoKey | Uint8Array;
}

export interface KeyRing {
  sign(claims: JWTPayload, expiresAtSeconds: number, issuedAtSeconds: number): Promise<string>;
  /** Verifies signature, algorithm, issuer and expiry; throws on any failure. */
  verify(token: string, nowSeconds: number): Promise<JWTPayload>;
  jwks(): Promise<{ keys: JWK[] }>;
}

export function createKeyRing(storage: Storage, issuer: string): KeyRing {
  let keys: LoadedKey[] = [];
  let loadedAt = 0;
  let loading: Promise<void> | undefined;
  const verified = createVerifiedTokens();

  async function readKeys(): Promise<LoadedKey[]> {
    const rows = await storage.db.selectFrom('signing_keys').selectAll().orderBy('created_at').orderBy('kid').execute();
    return Promise.all(
      rows.map(async (row) => {
        const publicJwk = JSON.parse(row.public_jwk) as JWK;
        return {
          kid: row.kid,
          publicJwk,
          publicKey: await importJWK(publicJwk, ALGORITHM),
          privateKey: await importJWK(JSON.parse(row.private_jwk) as JWK, ALGORITHM),
        };
      }),
    );
  }

  async function createFirstKey(): Promise<void> {
    const pair = await generateKeyPair(ALGORITHM, { crv: 'Ed25519', extractable: true });
    const kid = randomBytes(12).toString('base64url');
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: ALGORITHM, use: 'sig' };
    const privateJwk = { ...(await exportJWK(pair.privateKey)), kid, alg: ALGORITHM };
    await storage.db
      .insertInto('signing_keys')
      .values({
        kid,
        public_jwk: JSON.stringify(publicJwk),
        private_jwk: JSON.stringify(privateJwk),
        created_at: Date.now(),
      })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }

  async function reload(): Promise<void> {
    loading ??= (async () => {
      let found = await readKeys();
      if (found.length === 0) {
        await createFirstKey();
        found = await readKeys();
      }
      keys = found;
      loadedAt = Date.now();
    })().finally(() => {
      loading = undefined;
    });
    return loading;
  }

  async function signingKey(): Promise<LoadedKey> {
    if (keys.length === 0) await reload();
    const key = keys[0];
    if (!key) throw new Error('no signing key');
    return key;
  }

  async function keyFor(kid: string | undefined): Promise<LoadedKey | undefined> {
    if (keys.length === 0) await reload();
    let key = keys.find((k) => k.kid === kid);
    if (!key && kid !== undefined && Date.now() - loadedAt > RELOAD_INTERVAL_MS) {
      await reload();
      key = keys.find((k) => k.kid === kid);
    }
    return key;
  }

  return {
    async sign(claims, expiresAtSeconds, issuedAtSeconds) {
      const key = await signingKey();
      return new SignJWT(claims)
        .setProtectedHeader({ alg: ALGORITHM, kid: key.kid, typ: 'JWT' })
        .setIssuer(issuer)
        .setIssuedAt(issuedAtSeconds)
        .setExpirationTime(expiresAtSeconds)
        .sign(key.privateKey);
    },
    async verify(token, nowSeconds) {
      const known = verified.get(token, nowSeconds);
      if (known) return known;
      const { payload } = await jwtVerify(
        token,
        async (header) => {
          const key = await keyFor(header.kid);
          if (!key) throw new Error('unknown key id');
          return key.publicKey;
        },
        {
          algorithms: [ALGORITHM],
          issuer,
          currentDate: new Date(nowSeconds * 1000),
          requiredClaims: ['exp', 'iat', 'sub', 'client_id'],
        },
      );
      verified.remember(token, payload);
      return payload;
    },
    async jwks() {
      if (keys.length === 0) await reload();
      return { keys: keys.map((k) => k.publicJwk) };
    },
  };
}
