// The /api/* guard: a valid bearer token of an enabled credential, the role's permission, the rate limit.
import type { FastifyRequest } from 'fastify';
import type { JWTPayload } from 'jose';
import { type Permission, ROLE_PERMISSIONS, TOKEN_LIFETIME_SECONDS } from '../../contract/index.js';
import { dataVersionOf } from '../cache/index.js';
import { ApiError } from '../errors.js';
import type { ServerContext } from '../server-context.js';
import type { Caller } from './caller.js';
import { CLOCK_SKEW_SECONDS } from './signing-key-rows.js';

const BEARER = /^Bearer\s+([A-Za-z0-9\-_]+\.[A-Za-z0-9\-_]*\.[A-Za-z0-9\-_]*)\s*$/i;

/**
 * lapse never issues a token that lives longer than TOKEN_LIFETIME_SECONDS or was issued in the future: one that
 * claims either was made with a stolen key or by a clock gone wrong, and would outlive any rotation.
 */
function isIssuedAsLapseIssues(payload: JWTPayload, nowSeconds: number): boolean {
  const { iat, exp } = payload;
  if (typeof iat !== 'number' || typeof exp !== 'number') return false;
  return exp - iat <= TOKEN_LIFETIME_SECONDS && iat <= nowSeconds + CLOCK_SKEW_SECONDS;
}

interface VerifiedToken {
  clientId: string;
  /** Absent in tokens issued before lapse named the secret in them (they expire within the hour). */
  secretVersion: string | undefined;
}

async function verifiedToken(context: ServerContext, request: FastifyRequest): Promise<VerifiedToken> {
  const token = BEARER.exec(request.headers.authorization ?? '')?.[1];
  if (!token) throw ApiError.unauthorized('A bearer token is required (POST /connect/token).');
  try {
    const nowSeconds = Math.floor(context.config.now() / 1000);
    const payload = await context.keyRing.verify(token, nowSeconds, await dataVersionOf(context, request));
    if (!isIssuedAsLapseIssues(payload, nowSeconds)) throw new Error('lifetime beyond what lapse issues');
    if (typeof payload.client_id !== 'string' || payload.client_id !== payload.sub) throw new Error('bad subject');
    const secretVersion = typeof payload.secret_version === 'string' ? payload.secret_version : undefined;
    return { clientId: payload.client_id, secretVersion };
  } catch {
    // One message whatever failed (signature, algorithm, expiry, issuer): the details only help an attacker.
    throw ApiError.unauthorized('The access token is invalid or expired.');
  }
}

export async function authenticate(
  context: ServerContext,
  request: FastifyRequest,
  permission: Permission,
): Promise<Caller> {
  const { clientId, secretVersion } = await verifiedToken(context, request);
  const { config, rateLimits } = context;
  // Both are database round trips on PostgreSQL: ask at once. The client id comes from a verified token, so
  // only real clients spend from their bucket.
  const [credential, decision] = await Promise.all([
    context.credentials.find(clientId, await dataVersionOf(context, request)),
    rateLimits.take(`client:${clientId}`, config.rateLimitPerMinute, config.now()),
  ]);
  if (!credential || credential.isDisabled) throw ApiError.unauthorized('The client is unknown or disabled.');
  if (!decision.isAllowed) throw ApiError.rateLimited(decision.retryAfterSeconds);
  if (!ROLE_PERMISSIONS[credential.role].includes(permission)) {
    throw ApiError.forbidden(
      `Client Role "${credential.role}" may not call ${permission.replace('|', ' ')}; ` +
        'use a credential with Client Role = Reseller.',
    );
  }
  // contract §10: a rotated secret ends the tokens issued for the old one. Checked after the role, so what a
  // token may call is decided by the credential alone, whatever else its claims say.
  if (secretVersion !== undefined && secretVersion !== credential.secretVersion) {
    throw ApiError.unauthorized('The access token was issued for a client secret that has since been rotated.');
  }
  return { clientId: credential.clientId, role: credential.role, company: credential.company };
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
}

/**
 * An onRequest hook: authentication runs before the body is read or validated, so an anonymous caller learns
 * nothing about bodies and costs no parsing.
 */
export function guard(context: ServerContext, permission: Permission) {
  return async (request: FastifyRequest): Promise<void> => {
    request.caller = await authenticate(context, request, permission);
  };
}

/** The caller a guarded route's hook established. */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Error('route is missing its guard');
  return request.caller;
}
