// The one way the client talks HTTP: builds the request (auth header, company scope, JSON body), retries by
// the policy, re-authenticates once on a 401, reads the envelope tolerantly and throws typed errors.
import { HEADERS } from '../contract/index.js';
import { isRecord, readEnvelope } from './envelope.js';
import { AuthError, errorClassFor, errorClassForStatus, LapseError, NetworkError, ServerError } from './errors.js';
import { parseJsonBytes, utf8Text } from './parse-json-bytes.js';
import { type AttemptOutcome, parseRetryAfter, type RetryPolicy, withRetry } from './retry-policy.js';

export interface Transport {
  baseUrl: string;
  fetch: typeof fetch;
  retry: RetryPolicy;
  now: () => number;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the base URL, with its leading slash. */
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Abort the attempt after this long (JSON calls; a download may legitimately take longer). */
  timeoutMs?: number;
}

/** Where API calls get their bearer token; `invalidate` drops a token the server refused. */
export interface TokenSource {
  accessToken(): Promise<string>;
  invalidate(token: string): void;
}

export interface ApiTransport extends Transport {
  tokens: TokenSource;
  /** contract §3: scope search and export to one customer. */
  companyId?: string | undefined;
}

function urlOf(transport: Transport, path: string): string {
  return `${transport.baseUrl.replace(/\/+$/, '')}${path}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A typed error from an error response: a ServiceResult, a legacy envelope or an OAuth error body. */
export function errorFromResponse(response: Response, text: string): LapseError {
  const body = parseJson(text);
  const requestId = response.headers.get(HEADERS.requestId) ?? undefined;
  if (isRecord(body) && typeof body.error === 'string') {
    // contract §1: the token endpoint's OAuth errors; a refused credential is an auth failure even as a 400.
    const description = typeof body.error_description === 'string' ? body.error_description : body.error;
    const ErrorClass = body.error === 'invalid_client' ? AuthError : errorClassFor(response.status);
    return new ErrorClass(description, { httpStatus: response.status, serviceStatus: body.error, requestId });
  }
  const envelope = readEnvelope(body);
  const snippet = text.trim().slice(0, 200);
  const message = envelope.message ?? (snippet !== '' && body === undefined ? snippet : `HTTP ${response.status}`);
  return new (errorClassFor(response.status))(message, {
    httpStatus: response.status,
    serviceStatus: envelope.status,
    validationMessages: envelope.validationMessages,
    requestId,
  });
}

/**
 * A redirect is refused, never followed: following one would send the request's credentials (the client secret
 * in a token request's body, the bearer token and company scope on an API call) wherever the Location points,
 * and fetch re-sends a 307/308 body to any origin. The base URL must name the API server itself.
 */
function redirectError(response: Response, transport: Transport, request: HttpRequest): ServerError {
  const location = response.headers.get('location');
  let target = 'no Location';
  if (location !== null) {
    try {
      target = new URL(location, urlOf(transport, request.path)).toString();
    } catch {
      target = JSON.stringify(location);
    }
  }
  return new ServerError(
    `${request.method} ${request.path}: the server answered ${response.status}, a redirect to ${target}; redirects are not followed, so credentials never leave ${transport.baseUrl}: set the base URL to the API server's own address`,
    { httpStatus: response.status, requestId: response.headers.get(HEADERS.requestId) ?? undefined },
  );
}

/** The statuses fetch would follow. */
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** System error codes that mean no connection was made: nothing answers at the base URL. */
const CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Whether a network error is the base URL's host or port not answering at all (not a dropped connection). */
export function isConnectFailure(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && CONNECT_FAILURES.has(code)) return true;
  }
  return false;
}

function networkError(error: unknown, transport: Transport, request: HttpRequest): NetworkError {
  const reason = error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : '';
  let message = `${request.method} ${request.path}: no complete response (${reason})`;
  if (isConnectFailure(error)) message = `cannot reach ${transport.baseUrl} (${reason})`;
  // fetch will not connect to the ports browsers block (6000, 6667, …), whatever listens there.
  if (reason === 'bad port') message = `cannot use ${transport.baseUrl}: fetch refuses to connect to that port`;
  return new NetworkError(message, { cause: error });
}

/**
 * Sends a request under the retry policy. `read` turns a 2xx response into the result; a failure while reading
 * the body (a connection reset mid-page) is a network error, retried like one.
 */
export async function exchange<T>(
  transport: Transport,
  request: HttpRequest | (() => Promise<HttpRequest>),
  read: (response: Response) => Promise<T>,
): Promise<T> {
  return withRetry(transport.retry, async (): Promise<AttemptOutcome<T>> => {
    const built = typeof request === 'function' ? await request() : request;
    const lostConnection = (error: unknown): AttemptOutcome<T> => {
      if (!transport.retry.retryNetworkErrors) throw networkError(error, transport, built);
      return { kind: 'retryable', error: networkError(error, transport, built) };
    };
    let response: Response;
    try {
      response = await transport.fetch(urlOf(transport, built.path), {
        method: built.method,
        headers: built.headers ?? {},
        body: built.body ?? null,
        signal: built.timeoutMs === undefined ? null : AbortSignal.timeout(built.timeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      return lostConnection(error);
    }
    if (REDIRECT_STATUSES.has(response.status)) {
      await response.body?.cancel().catch(() => undefined);
      throw redirectError(response, transport, built);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => '');
      const error = errorFromResponse(response, text);
      if (!transport.retry.statuses.includes(response.status)) throw error;
      const retryAfter = parseRetryAfter(
        response.headers.get(HEADERS.retryAfter),
        response.headers.get('date'),
        transport.now(),
      );
      return { kind: 'retryable', error, retryAfterMs: retryAfter };
    }
    try {
      return { kind: 'done', value: await read(response) };
    } catch (error) {
      // A body that reports a failure is an answer, not a lost connection.
      if (error instanceof LapseError) throw error;
      return lostConnection(error);
    }
  });
}

/** Reads a 2xx JSON body and unwraps the envelope; a body that reports a failure becomes a typed error. */
async function readEnvelopeData(response: Response): Promise<unknown> {
  // As bytes: a large body (a search page) is parsed in pieces rather than decoded into one string.
  const bytes = Buffer.from(await response.arrayBuffer());
  let body: unknown;
  try {
    body = parseJsonBytes(bytes);
  } catch {
    const text = utf8Text(bytes);
    throw new ServerError(`expected JSON, got: ${text.trim().slice(0, 120)}`, { httpStatus: response.status });
  }
  const envelope = readEnvelope(body);
  if (envelope.isFailure) {
    const ErrorClass = errorClassForStatus(envelope.status ?? '');
    throw new ErrorClass(envelope.message ?? envelope.status ?? 'request failed', {
      httpStatus: response.status,
      serviceStatus: envelope.status,
      validationMessages: envelope.validationMessages,
    });
  }
  return envelope.data;
}

async function apiRequest(
  transport: ApiTransport,
  method: HttpRequest['method'],
  path: string,
  body: unknown,
  timeoutMs: number | undefined,
) {
  const token = await transport.tokens.accessToken();
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
  if (transport.companyId) headers[HEADERS.companyScope] = transport.companyId;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const request: HttpRequest = { method, path, headers };
  if (body !== undefined) request.body = JSON.stringify(body);
  if (timeoutMs !== undefined) request.timeoutMs = timeoutMs;
  return { token, request };
}

/**
 * Re-authentications one call may make. A listing asks for pages ahead, so several calls share a token, and a
 * server that expires tokens after k requests (contract §8) can refuse a fresh token that the other calls have
 * used up; two re-authentications keep such a listing going, and a server that refuses every fresh token still
 * ends in an AuthError after three tries.
 */
const MAX_REAUTHENTICATIONS = 2;

/**
 * Calls `/api/*` with a bearer token. A 401 (a token that expired mid-listing, contract §8) drops the token and
 * tries again with a fresh one, up to MAX_REAUTHENTICATIONS times; then the 401 is an AuthError.
 */
export async function callApi<T>(
  transport: ApiTransport,
  method: HttpRequest['method'],
  path: string,
  body: unknown,
  read: (response: Response) => Promise<T>,
  timeoutMs?: number,
): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    let usedToken = '';
    const build = async () => {
      const { token, request } = await apiRequest(transport, method, path, body, timeoutMs);
      usedToken = token;
      return request;
    };
    try {
      return await exchange(transport, build, read);
    } catch (error) {
      if (!(error instanceof AuthError) || error.httpStatus !== 401 || attempt >= MAX_REAUTHENTICATIONS) throw error;
      transport.tokens.invalidate(usedToken);
    }
  }
}

/** A JSON API call: the envelope's data, handed to `parse` (the DTO normaliser). */
export function callJsonApi<T>(
  transport: ApiTransport,
  method: HttpRequest['method'],
  path: string,
  body: unknown,
  parse: (data: unknown) => T,
): Promise<T> {
  return callApi(
    transport,
    method,
    path,
    body,
    async (response) => parse(await readEnvelopeData(response)),
    transport.retry.attemptTimeoutMs,
  );
}
