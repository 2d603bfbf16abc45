// contract §1: client secrets are stored only as slow salted hashes and compared in constant time.
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const PARAMS = { N: 16384, r: 8, p: 1, keyLength: 32 };

function scryptAsync(secret: string, salt: Buffer, N: number, r: number, p: number, keyLength: number) {
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(secret, salt, keyLength, { N, r, p, maxmem: 256 * N * r }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(secret, salt, PARAMS.N, PARAMS.r, PARAMS.p, PARAMS.keyLength);
  return ['scrypt', PARAMS.N, PARAMS.r, PARAMS.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

// Compared against when the client id is unknown, so an unknown id costs as long as a wrong secret.
let decoyHash: Promise<string> | undefined;

/** Constant-time check of a secret against a stored hash; `undefined` stands for "no such credential". */
export async function verifySecret(secret: string, stored: string | undefined): Promise<boolean> {
  decoyHash ??= hashSecret(randomBytes(16).toString('hex'));
  const [scheme, n, r, p, salt, expected] = (stored ?? (await decoyHash)).split('$');
  if (scheme !== 'scrypt' || !salt || !expected) return false;
  const expectedKey = Buffer.from(expected, 'base64url');
  const key = await scryptAsync(
    secret,
    Buffer.from(salt, 'base64url'),
    Number(n),
    Number(r),
    Number(p),
    expectedKey.length,
  );
  return timingSafeEqual(key, expectedKey) && stored !== undefined;
}

/** A new client id (`lapse_` + 20 characters) and a secret of 256 random bits. */
export function generateClientCredentials(): { clientId: string; clientSecret: string } {
  return {
    clientId: `lapse_${randomBytes(15).toString('base64url')}`,
    clientSecret: randomBytes(32).toString('base64url'),
  };
}

/**
 * A short name of a stored secret hash, carried in the tokens it issues: a rotation changes the hash, so tokens
 * issued for the old secret stop verifying. A digest of the salted hash, so it tells nothing about the secret.
 */
export function secretVersionOf(secretHash: string): string {
  return createHash('sha256').update(secretHash).digest('base64url').slice(0, 12);
}
