// contract §1: POST /connect/token (client credentials) and GET /.well-known/jwks.json.
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  JWKS_PATH,
  type OAuthError,
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
import { verifySecret } from './secrets.js';

class OAuthFailure extends Error {
  constructor(
    readonly httpStatus: number,
    readonly body: OAuthError,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.error_description);
  }
}

interface ClientAuthentication {
  clientId: string;
  clientSecret: string;
  isBasic: boolean;
}

function readForm(request: FastifyRequest): Record<string, string> {
  if (request.body instanceof URLSearchParams) return Object.fromEntries(request.body);
  throw new OAuthFailure(400, {
    error: 'invalid_request',
    error_description: 'The token request body must be form-encoded (application/x-www-form-urlencoded).',
  });
}

/** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
function readBasic(header: string | undefined): { clientId: string; clientSecret: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return {
      clientId: decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' ')),
      clientSecret: decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' ')),
    };
  } catch {
    return undefined;
  }
}

function readClient(request: FastifyRequest, form: Record<string, string>): ClientAuthentication {
  const basic = readBasic(request.headers.authorization);
  if (basic) return { ...basic, isBasic: true };
  const clientId = form.client_id;
  const clientSecret = form.client_secret;
  if (!clientId || !clientSecret) {
    throw new OAuthFailure(400, {
      error: 'invalid_request',
      error_description: 'client_id and client_secret are required (form fields or HTTP Basic).',
    });
  }
  return { clientId, clientSecret, isBasic: false };
}

function checkGrant(form: Record<string, string>): void {
  if (form.grant_type !== 'client_credentials') {
    throw new OAuthFailure(400, {
      error: form.grant_type ? 'unsupported_grant_type' : 'invalid_request',
      error_description: form.grant_type
        ? `grant_type "${form.grant_type}" is not supported; use client_credentials.`
        : 'grant_type is required (client_credentials).',
    });
  }
  const scope = form.scope?.trim();
  if (scope !== undefined && scope !== '' && scope !== TOKEN_SCOPE) {
    throw new OAuthFailure(400, { error: 'invalid_scope', error_description: `The only scope is "${TOKEN_SCOPE}".` });
  }
}

function rateLimited(retryAfterSeconds: number): OAuthFailure {
  return new OAuthFailure(
    429,
    { error: 'rate_limited', error_description: 'Too many token requests; retry later.' },
    { 'retry-after': String(retryAfterSeconds) },
  );
}

async function issueToken(context: ServerContext, request: FastifyRequest): Promise<TokenResponse> {
  const form = readForm(request);
  const client = readClient(request, form);
  checkGrant(form);
  // No credential holds U+0000, and PostgreSQL cannot even compare such text: a malformed request, not a 500.
  if (`${client.clientId}${client.clientSecret}`.includes('\u0000')) {
    throw new OAuthFailure(400, {
      error: 'invalid_request',
      error_description: 'client_id and client_secret must not hold a NUL character.',
    });
  }
  const { config, storage, rateLimits, keyRing } = context;
  const now = config.now();
  // contract §7: failed token requests are limited per client id and per address, so secrets can't be guessed
  // at speed. A caller over either limit is refused before its secret is even checked.
  const failureKeys = [`token-failure:client:${client.clientId}`, `token-failure:address:${request.ip}`];
  for (const key of failureKeys) {
    const decision = await rateLimits.peek(key, config.failedTokenLimitPerMinute, now);
    if (!decision.isAllowed) throw rateLimited(decision.retryAfterSeconds);
  }
  const credential = await findCredential(storage.db, client.clientId);
  const isSecretRight = await verifySecret(client.clientSecret, credential?.secretHash);
  if (!credential || !isSecretRight || credential.isDisabled) {
    for (const key of failureKeys) await rateLimits.take(key, config.failedTokenLimitPerMinute, now);
    const body = { error: 'invalid_client', error_description: 'Unknown client, wrong secret, or disabled client.' };
    throw client.isBasic
      ? new OAuthFailure(401, body, { 'www-authenticate': 'Basic realm="lapse"' })
      : new OAuthFailure(400, body);
  }
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
    company_admin_access: role === 'Company Admin',
    root_access: role === 'Root',
    user_company_resourceid: company.resourceId,
    user_company_name: company.name,
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
      const token = await issueToken(context, request);
      return reply.header('cache-control', 'no-store').header('pragma', 'no-cache').send(token);
    },
  );

  app.get(
    JWKS_PATH,
    { schema: { summary: 'Public keys that verify access tokens', tags: ['auth'] } },
    async (_r, reply) => reply.header('cache-control', 'public, max-age=300').send(await context.keyRing.jwks()),
  );
}
