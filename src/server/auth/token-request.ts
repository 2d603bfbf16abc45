// contract §1: reading a token request (form fields or HTTP Basic) and refusing a malformed one with an OAuth
// error before anything costs a hash, a database lookup or a bucket.
import type { FastifyRequest } from 'fastify';
import { type OAuthError, TOKEN_SCOPE } from '../../contract/index.js';

export class OAuthFailure extends Error {
  constructor(
    readonly httpStatus: number,
    readonly body: OAuthError,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.error_description);
  }
}

export function invalidRequest(description: string): OAuthFailure {
  return new OAuthFailure(400, { error: 'invalid_request', error_description: description });
}

export function rateLimited(retryAfterSeconds: number): OAuthFailure {
  return new OAuthFailure(
    429,
    { error: 'rate_limited', error_description: 'Too many token requests; retry later.' },
    { 'retry-after': String(retryAfterSeconds) },
  );
}

export interface ClientAuthentication {
  clientId: string;
  clientSecret: string;
  isBasic: boolean;
}

/**
 * Issued client ids are 26 characters and secrets 43; the bounds leave room for imported credentials while
 * keeping every bucket key and index entry small (a PostgreSQL index entry holds at most ~2.7 KB).
 */
export const MAX_CLIENT_ID_LENGTH = 256;
export const MAX_FORM_VALUE_LENGTH = 512;

// RFC 6749 §2.3.1: credentials never travel in the request URI (which proxies and logs keep).
const URI_CREDENTIALS = ['client_id', 'client_secret'];

function readForm(request: FastifyRequest): Record<string, string> {
  const body = request.body;
  if (!(body instanceof URLSearchParams)) {
    throw invalidRequest('The token request body must be form-encoded (application/x-www-form-urlencoded).');
  }
  const form: Record<string, string> = Object.create(null);
  for (const [name, value] of body) {
    // RFC 6749 §3.1: a parameter sent twice is ambiguous, so the request is refused rather than one copy chosen.
    if (name in form) throw invalidRequest(`The parameter "${name.slice(0, 64)}" is sent more than once.`);
    if (value.length > MAX_FORM_VALUE_LENGTH) {
      throw invalidRequest(`The parameter "${name.slice(0, 64)}" is longer than ${MAX_FORM_VALUE_LENGTH} characters.`);
    }
    form[name] = value;
  }
  return form;
}

function checkUri(request: FastifyRequest): void {
  const query = new URLSearchParams(request.url.split('?')[1] ?? '');
  if (URI_CREDENTIALS.some((name) => query.has(name))) {
    throw invalidRequest('Client credentials belong in the request body or the Authorization header, not the URL.');
  }
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
  // RFC 6749 §2.3: one authentication method per request, or which secret was meant is a guess.
  if (basic && 'client_secret' in form) {
    throw invalidRequest('Send the client secret either by HTTP Basic or in the form, not both.');
  }
  if (basic) return { ...basic, isBasic: true };
  const clientId = form.client_id;
  const clientSecret = form.client_secret;
  if (!clientId || !clientSecret) {
    throw invalidRequest('client_id and client_secret are required (form fields or HTTP Basic).');
  }
  return { clientId, clientSecret, isBasic: false };
}

function checkClient({ clientId, clientSecret }: ClientAuthentication): void {
  if (clientId.length > MAX_CLIENT_ID_LENGTH) {
    throw invalidRequest(`client_id is longer than ${MAX_CLIENT_ID_LENGTH} characters.`);
  }
  if (clientSecret.length > MAX_FORM_VALUE_LENGTH) {
    throw invalidRequest(`client_secret is longer than ${MAX_FORM_VALUE_LENGTH} characters.`);
  }
  // No credential holds U+0000, and PostgreSQL cannot even compare such text: a malformed request, not a 500.
  if (`${clientId}${clientSecret}`.includes('\u0000')) {
    throw invalidRequest('client_id and client_secret must not hold a NUL character.');
  }
}

function checkGrant(form: Record<string, string>): void {
  if (form.grant_type !== 'client_credentials') {
    throw new OAuthFailure(400, {
      error: form.grant_type ? 'unsupported_grant_type' : 'invalid_request',
      error_description: form.grant_type
        ? `grant_type "${form.grant_type.slice(0, 64)}" is not supported; use client_credentials.`
        : 'grant_type is required (client_credentials).',
    });
  }
  const scope = form.scope?.trim();
  if (scope !== undefined && scope !== '' && scope !== TOKEN_SCOPE) {
    throw new OAuthFailure(400, { error: 'invalid_scope', error_description: `The only scope is "${TOKEN_SCOPE}".` });
  }
}

/** The client a well-formed token request authenticates as; an OAuthFailure for anything else. */
export function readTokenRequest(request: FastifyRequest): ClientAuthentication {
  checkUri(request);
  const form = readForm(request);
  const client = readClient(request, form);
  checkGrant(form);
  checkClient(client);
  return client;
}
