// Token signing keys (SECURITY.md, "Signing keys"): database files only their owner can read, a key given from
// a file or the environment (the database then holds no private key), rotation and revocation that reach every
// instance, and tokens refused when they claim a lifetime lapse never issues.
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  importJWK,
  type JWK,
  type JWTPayload,
  jwtVerify,
  SignJWT,
} from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN_LIFETIME_SECONDS } from '../src/contract/index.js';
import { rotateSigningKey } from '../src/server/admin/index.js';
import { openStorage } from '../src/server/db/storage.js';
import { callApi, fetchToken, searchBody } from './support/api.js';
import { createTestDatabase, DATABASE_KINDS, type TestDatabase } from './support/databases.js';
import { PINNED_NOW_MS, PINNED_TODAY } from './support/pinned-clock.js';
import { pollUntil } from './support/poll.js';
import { testTempDir } from './support/postgres-cluster.js';
import { runLapseAdmin, type ServerProcess, seedWithRoot, spawnServer } from './support/server-process.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const SEARCH = '/api/companies/search';
const CLI = fileURLToPath(new URL('../bin/lapse.js', import.meta.url));
const HOUR = 3600;
/** Past every window a retired key verifies in (the token lifetime and the clock skew allowed). */
const PAST_RETIREMENT_MS = (TOKEN_LIFETIME_SECONDS + 120) * 1000;
const SPREAD_MS = 5_000;

async function searchStatus(baseUrl: string, token: string): Promise<number> {
  return (await callApi(baseUrl, SEARCH, { token, body: searchBody({ pageSize: 1 }) })).status;
}

async function expectRefused(baseUrl: string, token: string): Promise<void> {
  const response = await callApi(baseUrl, SEARCH, { token, body: searchBody({ pageSize: 1 }) });
  expect(response.status, JSON.stringify(response.body)).toBe(401);
  expect(response.body).toMatchObject({ data: null, status: 'UNAUTHORIZED' });
}

const kidOf = (token: string) => decodeProtectedHeader(token).kid;
const modeOf = (path: string) => statSync(path).mode & 0o777;

function privateDir(): string {
  return mkdtempSync(join(testTempDir(), 'lapse-keys-'));
}

async function privateKeysIn(location: string): Promise<unknown[]> {
  const storage = await openStorage(location, { maxConnections: 1 });
  try {
    const rows = await storage.db.selectFrom('signing_keys').select('private_jwk').execute();
    return rows.map((row) => row.private_jwk).filter((jwk) => jwk !== null);
  } finally {
    await storage.close();
  }
}

describe('database files lapse creates are readable by their owner alone', () => {
  let server: ServerProcess | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('lapse seed creates a new database 0600', async () => {
    const file = join(privateDir(), 'seeded.db');
    await promisify(execFile)(process.execPath, [CLI, 'seed', '--companies', '20', '--database', file]);
    expect(modeOf(file)).toBe(0o600);
  });

  it('lapse serve creates a new database, its WAL and shared memory 0600, and tightens a file others could read', async () => {
    const file = join(privateDir(), 'served.db');
    server = await spawnServer(file);
    expect(await callApi(server.baseUrl, '/.well-known/jwks.json')).toMatchObject({ status: 200 });
    for (const path of [file, `${file}-wal`, `${file}-shm`]) {
      expect(existsSync(path), path).toBe(true);
      expect(modeOf(path), path).toBe(0o600);
    }
    await server.stop();
    for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, 0o644);
    server = await spawnServer(file);
    expect(modeOf(file)).toBe(0o600);
  });
});

describe.each(DATABASE_KINDS)('tokens lapse would never issue are refused on %s', (kind) => {
  let server: TestServer;
  let claims: JWTPayload;
  let sign: (iat: number, exp: number) => Promise<string>;
  const nowSeconds = Math.floor(PINNED_NOW_MS / 1000);

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 60, today: PINNED_TODAY, now: () => PINNED_NOW_MS });
    const token = await fetchToken(server.baseUrl, server.credentials.root);
    const { iat: _iat, exp: _exp, ...rest } = decodeJwt(token);
    claims = rest;
    // The database's own key, as a thief of the file would hold it.
    const row = await server.storage.db
      .selectFrom('signing_keys')
      .selectAll()
      .where('kid', '=', kidOf(token) ?? '')
      .executeTakeFirstOrThrow();
    const privateKey = await importJWK(JSON.parse(row.private_jwk ?? 'null') as JWK, 'EdDSA');
    sign = (iat, exp) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'EdDSA', kid: row.kid, typ: 'JWT' })
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(privateKey);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('accepts a token shaped as the server issues it', async () => {
    expect(await searchStatus(server.baseUrl, await sign(nowSeconds, nowSeconds + TOKEN_LIFETIME_SECONDS))).toBe(200);
  });

  it('refuses a token that lives longer than the issued lifetime (a 100-year exp)', async () => {
    await expectRefused(server.baseUrl, await sign(nowSeconds, nowSeconds + 100 * 365 * 24 * HOUR));
    await expectRefused(server.baseUrl, await sign(nowSeconds, nowSeconds + TOKEN_LIFETIME_SECONDS + 1));
  });

  it('refuses a token issued in the future beyond the clock skew', async () => {
    const iat = nowSeconds + HOUR;
    await expectRefused(server.baseUrl, await sign(iat, iat + TOKEN_LIFETIME_SECONDS));
    expect(await searchStatus(server.baseUrl, await sign(nowSeconds + 30, nowSeconds + 30 + HOUR))).toBe(200);
  });
});

describe.each(DATABASE_KINDS)('rotating and revoking the signing key on %s', (kind) => {
  let server: TestServer;
  let clockMs = PINNED_NOW_MS;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 60, today: PINNED_TODAY, now: () => clockMs });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function tokenSignedBy(predicate: (kid: string | undefined) => boolean, what: string): Promise<string> {
    return pollUntil(
      async () => {
        const token = await fetchToken(server.baseUrl, server.credentials.root);
        return predicate(kidOf(token)) ? token : undefined;
      },
      { what, timeoutMs: SPREAD_MS },
    );
  }

  it('a rotation signs with the new key at once, the old key verifies until its tokens expire, then goes', async () => {
    const oldToken = await fetchToken(server.baseUrl, server.credentials.root);
    const oldKid = kidOf(oldToken);
    const oldRow = await server.storage.db
      .selectFrom('signing_keys')
      .selectAll()
      .where('kid', '=', oldKid ?? '')
      .executeTakeFirstOrThrow();
    const oldPrivateKey = await importJWK(JSON.parse(oldRow.private_jwk ?? 'null') as JWK, 'EdDSA');

    const rotated = await rotateSigningKey(server.storage.db, clockMs);
    expect(rotated.kid).not.toBe(oldKid);
    const retired = await server.storage.db
      .selectFrom('signing_keys')
      .select('private_jwk')
      .where('kid', '=', oldKid ?? '')
      .executeTakeFirstOrThrow();
    expect(retired.private_jwk).toBeNull();
    const newToken = await tokenSignedBy((kid) => kid === rotated.kid, 'a token signed by the new key');
    expect(await searchStatus(server.baseUrl, oldToken)).toBe(200);
    expect(await searchStatus(server.baseUrl, newToken)).toBe(200);
    const jwks = (await callApi(server.baseUrl, '/.well-known/jwks.json')).body as { keys: JWK[] };
    expect(jwks.keys.map((key) => key.kid).sort()).toEqual([oldKid, rotated.kid].sort());

    clockMs += PAST_RETIREMENT_MS;
    const nowSeconds = Math.floor(clockMs / 1000);
    const { iat: _iat, exp: _exp, ...claims } = decodeJwt(oldToken);
    const lateOldToken = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'EdDSA', kid: oldKid ?? '', typ: 'JWT' })
      .setIssuer('lapse-test')
      .setIssuedAt(nowSeconds)
      .setExpirationTime(nowSeconds + TOKEN_LIFETIME_SECONDS)
      .sign(oldPrivateKey);
    await expectRefused(server.baseUrl, lateOldToken);
    const later = (await callApi(server.baseUrl, '/.well-known/jwks.json')).body as { keys: JWK[] };
    expect(later.keys.map((key) => key.kid)).toEqual([rotated.kid]);
    expect(await searchStatus(server.baseUrl, await fetchToken(server.baseUrl, server.credentials.root))).toBe(200);
  });

  it('`lapse admin keys revoke` from another process refuses the key’s tokens at once; a new key takes over', async () => {
    const token = await fetchToken(server.baseUrl, server.credentials.root);
    const kid = kidOf(token) ?? '';
    const listed = JSON.parse(await runLapseAdmin(['keys', 'list', '--json', '--database', server.databaseLocation]));
    expect(listed).toContainEqual(expect.objectContaining({ kid, state: 'signing' }));
    await runLapseAdmin(['keys', 'revoke', kid, '--database', server.databaseLocation]);
    await pollUntil(async () => ((await searchStatus(server.baseUrl, token)) === 401 ? true : undefined), {
      what: 'the revoked key’s token to be refused',
      timeoutMs: SPREAD_MS,
    });
    await expectRefused(server.baseUrl, token);
    const fresh = await tokenSignedBy((next) => next !== kid, 'a token signed by a key made after the revocation');
    expect(await searchStatus(server.baseUrl, fresh)).toBe(200);
  });
});

function ed25519Key(): { pem: string; jwk: JWK } {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    pem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    jwk: privateKey.export({ format: 'jwk' }) as JWK,
  };
}

async function expectSignedBy(baseUrl: string, token: string, jwk: JWK): Promise<void> {
  const { d: _d, ...publicJwk } = jwk;
  expect(kidOf(token)).toBe(await calculateJwkThumbprint(publicJwk));
  await jwtVerify(token, createLocalJWKSet({ keys: [{ ...publicJwk, kid: kidOf(token) }] }));
  expect(await searchStatus(baseUrl, token)).toBe(200);
}

describe.each(DATABASE_KINDS)('a signing key given to the server on %s', (kind) => {
  let database: TestDatabase;
  let root: Awaited<ReturnType<typeof seedWithRoot>>['root'];
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    root = (await seedWithRoot(database.location, 40)).root;
  });
  afterEach(async () => {
    await server?.stop();
    server = undefined;
    delete process.env.LAPSE_SIGNING_KEY;
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('from --signing-key-file (PEM): it signs, and the database holds no private key', async () => {
    const key = ed25519Key();
    const file = join(privateDir(), 'signing.pem');
    writeFileSync(file, key.pem, { mode: 0o600 });
    server = await spawnServer(database.location, ['--signing-key-file', file]);
    await expectSignedBy(server.baseUrl, await fetchToken(server.baseUrl, root), key.jwk);
    expect(await privateKeysIn(database.location)).toEqual([]);
  });

  it('from LAPSE_SIGNING_KEY (JWK): it signs, and tokens of the key it replaced still verify', async () => {
    const first = ed25519Key();
    const file = join(privateDir(), 'first.pem');
    writeFileSync(file, first.pem, { mode: 0o600 });
    server = await spawnServer(database.location, ['--signing-key-file', file]);
    const earlier = await fetchToken(server.baseUrl, root);
    await server.stop();

    const key = ed25519Key();
    process.env.LAPSE_SIGNING_KEY = JSON.stringify(key.jwk);
    server = await spawnServer(database.location);
    await expectSignedBy(server.baseUrl, await fetchToken(server.baseUrl, root), key.jwk);
    expect(await searchStatus(server.baseUrl, earlier)).toBe(200);
    expect(await privateKeysIn(database.location)).toEqual([]);
  });

  it('refuses a key file others can read', async () => {
    const file = join(privateDir(), 'open.pem');
    writeFileSync(file, ed25519Key().pem, { mode: 0o644 });
    chmodSync(file, 0o644);
    await expect(spawnServer(database.location, ['--signing-key-file', file])).rejects.toThrow(
      /readable by group or others/,
    );
  });
});

describe('revoking a key across two server processes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let root: Awaited<ReturnType<typeof seedWithRoot>>['root'];
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase('postgres');
    root = (await seedWithRoot(database.location, 40)).root;
    servers.push(await spawnServer(database.location), await spawnServer(database.location));
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await database?.drop();
  });

  it('both refuse the key’s tokens once `lapse admin keys revoke` ran, and both accept the next key’s', async () => {
    const [first, second] = servers as [ServerProcess, ServerProcess];
    const token = await fetchToken(first.baseUrl, root);
    expect(await searchStatus(first.baseUrl, token)).toBe(200);
    expect(await searchStatus(second.baseUrl, token)).toBe(200);

    await runLapseAdmin(['keys', 'revoke', kidOf(token) ?? '', '--database', database.location]);
    for (const server of servers) {
      await pollUntil(async () => ((await searchStatus(server.baseUrl, token)) === 401 ? true : undefined), {
        what: `${server.baseUrl} to refuse the revoked key’s token`,
        timeoutMs: SPREAD_MS,
      });
    }
    const next = await fetchToken(second.baseUrl, root);
    expect(kidOf(next)).not.toBe(kidOf(token));
    expect(await searchStatus(first.baseUrl, next)).toBe(200);
  });
});
