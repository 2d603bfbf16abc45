// contract §1: POST /connect/token (client credentials) and GET /.well-known/jwks.json.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  JWKS_PATH,
  OAuthErrorSchema,
  ROLE_PERMISSIONS,
  TOKEN_LIFETIME_SECONDS,
  TOKEN_PATH,
  TOKEN_SCOPE,
  type TokenClaims,
  type TokenResponse,
  TokenResponseSchema,
} from '../../contract/index.js';
import type { ServerContext } from '../server-context.js';
import { findCredential } from './caller.js';
import { type FailureReservation, reserveFailure } from './failed-token-limits.js';
import { isAddressAllowed } from './ip-allow-list.js';
import { createSecretCheckQueue, type SecretCheckQueue } from './secret-check-queue.js';
import { verifySecret } from './secrets.js';
import { OAuthFailure, rateLimited, readTokenRequest } from './token-request.js';

/**
 * Concurrent scrypt checks: libuv's default thread pool. Each line holds what one client's connection pool may
 * send at once (50 connections renewing together overflowed a line of 32), and its wait stays bounded: 128 checks
 * of about 50 ms, four at a time, are under two seconds.
 */
const SECRET_CHECK_LIMITS = { concurrency: 4, maxWaiting: 128 };

/** A request that fails for the server's own reasons (the database, say) is not a failed guess. */
function releaseAndThrow(reservation: FailureReservation) {
  return async (error: unknown): Promise<never> => {
    await reservation.release();
    throw error;
  };
}

async function issueToken(
  context: ServerContext,
  secretChecks: SecretCheckQueue,
  request: FastifyRequest,
): Promise<TokenResponse> {
  const client = readTokenRequest(request);
  const { config, storage, rateLimits, keyRing } = context;
  const now = config.now();
  const limits = { rateLimits, perMinute: config.failedTokenLimitPerMinute, nowMs: now };
  const reservation = await reserveFailure(limits, client.clientId, request.ip);
  const credential = await findCredential(storage.db, client.clientId).catch(releaseAndThrow(reservation));
  const isSecretRight = await secretChecks
    .run(() => verifySecret(client.clientSecret, credential?.secretHash), reservation.isAddressClean)
    .catch(releaseAndThrow(reservation));
  if (isSecretRight === undefined) {
    await reservation.release();
    throw rateLimited(1);
  }
  const isAddressRefused =
    credential?.allowedIpAddresses != null && !isAddressAllowed(credential.allowedIpAddresses, request.ip);
  if (!credential || !isSecretRight || credential.isDisabled || isAddressRefused) {
    const body = {
      error: 'invalid_client',
      error_description: 'Unknown client, wrong secret, disabled client, or an address the client may not use.',
    };
    throw client.isBasic
      ? new OAuthFailure(401, body, { 'www-authenticate': 'Basic realm="lapse"' })
      : new OAuthFailure(400, body);
  }
  await reservation.release();
  const decision = await rateLimits.take(`client:${credential.clientId}`, config.rateLimitPerMinute, now);
  if (!decision.isAllowed) throw rateLimited(decision.retryAfterSeconds);

  const issuedAt = Math.floor(now / 1000);
  const { company, role } = credential;
  const claims: Omit<TokenClaims, 'iss' | 'iat' | 'exp'> = {
    sub: credential.clientId,
    client_id: credential.clientId,
    jti: randomUUID(),
    scope: [TOKEN_SCOPE],
    role,
    reseller_access: role === 'Reseller' || role === 'Root',
    // The vendor documents it true for both of its roles; Root holds everything either may do.
    company_admin_access: true,
    root_access: role === 'Root',
    user_company_resourceid: company.resourceId,
    user_company_id: company.id,
    user_company_name: company.name,
    secret_version: credential.secretVersion,
    ...(company.parentResourceId !== null && {
      user_company_parentcompany_resourceid: company.parentResourceId,
      user_company_parentcompany_name: company.parentName ?? '',
    }),
  };
  const accessToken = await keyRing.sign(claims, issuedAt + TOKEN_LIFETIME_SECONDS, issuedAt);
  return {
    access_token: accessToken,
    expires_in: TOKEN_LIFETIME_SECONDS,
    token_type: 'Bearer',
    scope: TOKEN_SCOPE,
    permissions: [...ROLE_PERMISSIONS[role]],
  };
}

function sendFailure(reply: FastifyReply, failure: OAuthFailure): FastifyReply {
  return reply.code(failure.httpStatus).headers(failure.headers).header('cache-control', 'no-store').send(failure.body);
}

export async function tokenRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const secretChecks = createSecretCheckQueue(SECRET_CHECK_LIMITS);
  app.post(
    TOKEN_PATH,
    {
      schema: {
        summary: 'OAuth 2.0 client-credentials token',
        tags: ['auth'],
        consumes: ['application/x-www-form-urlencoded'],
        response: { 200: TokenResponseSchema, '4xx': OAuthErrorSchema },
      },
      // Errors of this route are OAuth bodies, not ServiceResults (contract §1).
      errorHandler: (error, _request, reply) => {
        if (error instanceof OAuthFailure) return sendFailure(reply, error);
        const status = (error as { statusCode?: number }).statusCode ?? 500;
        if (status >= 500) throw error;
        return sendFailure(
          reply,
          new OAuthFailure(status === 413 ? 413 : 400, {
            error: 'invalid_request',
            error_description:
              status === 413 ? 'The request body is too large.' : 'The request body must be form-encoded.',
          }),
        );
      },
    },
    async (request, reply) => {
      const token = await issueToken(context, secretChecks, request);
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(token);
    },
  );

  app.get(
    JWKS_PATH,
    { schema: { summary: 'Public keys that verify access tokens', tags: ['auth'] } },
    async (_r, reply) => reply.header('cache-control', 'public, max-age=300').send(await context.keyRing.jwks()),
  );
}
