// The access token (contract §1): fetched with the client-credentials grant, cached, renewed 60 s before it
// expires, one fetch in flight however many calls wait for it.
import { TOKEN_PATH, TOKEN_SCOPE, type TokenClaims } from '../contract/index.js';
import { isRecord } from './envelope.js';
import { ServerError } from './errors.js';
import { exchange, type TokenSource, type Transport } from './http.js';

export interface Credentials {
  clientId: string;
  clientSecret: string;
}

/** What the token response says besides the token itself (never exposed). */
export interface TokenGrant {
  claims: Partial<TokenClaims>;
  permissions: string[];
  scope: string | undefined;
  /** Epoch ms when the token expires, on the client's clock. */
  expiresAt: number;
}

interface CachedToken extends TokenGrant {
  accessToken: string;
  renewAt: number;
}

const RENEW_MARGIN_MS = 60_000;

/** The JWT's claims, decoded without verifying: the server verifies; the client only reads them. */
export function decodeJwtClaims(token: string): Partial<TokenClaims> {
  const payload = token.split('.')[1];
  if (payload === undefined) return {};
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return isRecord(claims) ? (claims as Partial<TokenClaims>) : {};
  } catch {
    return {};
  }
}

/**
 * When the token expires on our clock. `expires_in` is relative, so it is immune to clock skew (and to a
 * pinned clock); the JWT `exp` is used only when a server leaves `expires_in` out.
 */
function expiryOf(body: Record<string, unknown>, claims: Partial<TokenClaims>, now: number): number {
  const expiresIn = Number(body.expires_in);
  if (Number.isFinite(expiresIn) && expiresIn > 0) return now + expiresIn * 1000;
  if (typeof claims.exp === 'number') return claims.exp * 1000;
  return now + RENEW_MARGIN_MS;
}

function parseTokenResponse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function cacheToken(body: unknown, now: number): CachedToken {
  if (!isRecord(body) || typeof body.access_token !== 'string') {
    throw new ServerError('the token endpoint answered without an access_token');
  }
  const claims = decodeJwtClaims(body.access_token);
  const expiresAt = expiryOf(body, claims, now);
  // Renew a minute early; a token that lives less than two minutes is renewed at half its life.
  const margin = Math.min(RENEW_MARGIN_MS, (expiresAt - now) / 2);
  return {
    accessToken: body.access_token,
    claims,
    permissions: Array.isArray(body.permissions) ? body.permissions.map(String) : [],
    scope: typeof body.scope === 'string' ? body.scope : undefined,
    expiresAt,
    renewAt: expiresAt - margin,
  };
}

export interface TokenCache extends TokenSource {
  grant(): Promise<TokenGrant>;
}

export function createTokenCache(transport: Transport, credentials: Credentials): TokenCache {
  let cached: CachedToken | undefined;
  let inFlight: Promise<CachedToken> | undefined;

  const requestToken = () =>
    exchange(
      transport,
      {
        method: 'POST',
        path: TOKEN_PATH,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: credentials.clientId,
          client_secret: credentials.clientSecret,
          scope: TOKEN_SCOPE,
        }).toString(),
        timeoutMs: transport.retry.attemptTimeoutMs,
      },
      async (response) => cacheToken(parseTokenResponse(await response.text()), transport.now()),
    );

  const current = async (): Promise<CachedToken> => {
    if (cached !== undefined && transport.now() < cached.renewAt) return cached;
    inFlight ??= requestToken()
      .then((token) => {
        cached = token;
        return token;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };

  return {
    accessToken: async () => (await current()).accessToken,
    invalidate(token) {
      if (cached?.accessToken === token) cached = undefined;
    },
    async grant() {
      const { accessToken: _secret, renewAt: _renewAt, ...grant } = await current();
      return grant;
    },
  };
}
