// A signing key held outside the database (a key file or the environment): a PKCS#8 PEM or a private JWK of an
// Ed25519 key. Its kid is its JWK thumbprint, so every instance given the same key names it the same way.
import { calculateJwkThumbprint, exportJWK, importPKCS8, type JWK } from 'jose';

export const SIGNING_ALGORITHM = 'EdDSA';

export interface ExternalSigningKey {
  kid: string;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** The public JWK as the JWKS serves it and the key table stores it. */
export function publicJwkOf(jwk: JWK, kid: string): JWK {
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, kid, alg: SIGNING_ALGORITHM, use: 'sig' };
}

async function privateJwkFrom(text: string): Promise<JWK> {
  if (text.startsWith('{')) {
    try {
      return JSON.parse(text) as JWK;
    } catch (error) {
      throw new Error(`the signing key is not valid JSON (${(error as Error).message})`);
    }
  }
  if (!text.startsWith('-----BEGIN PRIVATE KEY-----')) {
    throw new Error('the signing key must be a PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----") or a JWK');
  }
  try {
    return await exportJWK(await importPKCS8(text, SIGNING_ALGORITHM, { extractable: true }));
  } catch (error) {
    throw new Error(`the signing key PEM is not an Ed25519 private key (${(error as Error).message})`);
  }
}

/** Throws an Error naming what is wrong, for the edge to show as a usage error. */
export async function parseSigningKey(text: string): Promise<ExternalSigningKey> {
  const jwk = await privateJwkFrom(text.trim());
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string' || typeof jwk.x !== 'string') {
    throw new Error('the signing key must be an Ed25519 private key (a JWK with kty "OKP", crv "Ed25519", d and x)');
  }
  const kid = await calculateJwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x });
  return { kid, privateJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, d: jwk.d, kid }, publicJwk: publicJwkOf(jwk, kid) };
}
