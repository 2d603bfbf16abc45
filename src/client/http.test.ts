// The request function against a small scripted HTTP server: retries, Retry-After, re-authentication,
// single-flight token fetches, typed errors.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { AuthError, createClient, NetworkError, ServerError, ValidationError } from './index.js';

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

interface ScriptedServer {
  baseUrl: string;
  seen: { path: string; authorization: string | undefined; companyId: string | undefined; body: string }[];
  close(): Promise<void>;
}

const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part(claims)}.sig`;
}

let tokenSerial = 0;
function tokenHandler(expiresIn = 3600): Handler {
  return (_request, response) => {
    tokenSerial++;
    const body = {
      access_token: jwt({ sub: 'client-1', client_id: 'client-1', role: 'Reseller', n: tokenSerial }),
      expires_in: expiresIn,
      token_type: 'Bearer',
      scope: 'api1',
      permissions: ['companies/search|POST'],
    };
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

const page = (total: number) => ({
  data: {
    pageNumber: 1,
    pageSize: 10,
    totalNumberOfRecords: total,
    totalNumberOfPages: 1,
    limitExceededCompanyCount: 0,
    results: [],
  },
  status: 'SUCCESS',
  message: null,
  validationMessages: null,
});

/** Answers `/connect/token` with `token`, and each API call with the next handler of `script` (the last repeats). */
async function startScripted(script: Handler[], token: Handler = tokenHandler()): Promise<ScriptedServer> {
  const seen: ScriptedServer['seen'] = [];
  let next = 0;
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      const path = request.url ?? '/';
      seen.push({
        path,
        authorization: request.headers.authorization,
        companyId: request.headers['x-keepnet-company-id'] as string | undefined,
        body,
      });
      if (path === '/connect/token') return token(request, response, body);
      const handler = script[Math.min(next++, script.length - 1)];
      handler?.(request, response, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const scripted: ScriptedServer = {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  servers.push(scripted);
  return scripted;
}

const clientFor = (server: ScriptedServer, extra: Partial<Parameters<typeof createClient>[0]> = {}) =>
  createClient({
    baseUrl: server.baseUrl,
    clientId: 'client-1',
    clientSecret: 's3cret',
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...extra,
  });

const apiCalls = (server: ScriptedServer) => server.seen.filter((request) => request.path.startsWith('/api/'));
const tokenCalls = (server: ScriptedServer) => server.seen.filter((request) => request.path === '/connect/token');

describe('the request function', () => {
  it('sends the token request form-encoded with the client credentials and scope', async () => {
    const server = await startScripted([(_q, r) => json(r, 200, page(0))]);
    await clientFor(server).companies.search();
    const form = new URLSearchParams(tokenCalls(server)[0]?.body);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'client_credentials',
      client_id: 'client-1',
      client_secret: 's3cret',
      scope: 'api1',
    });
  });

  it('retries a 429 that carries Retry-After and a 503 that does not, then succeeds', async () => {
    const server = await startScripted([
      (_q, r) => json(r, 429, { data: null, status: 'RATE_LIMITED', message: 'slow down' }, { 'retry-after': '0' }),
      (_q, r) => json(r, 503, { data: null, status: 'SERVICE_UNAVAILABLE', message: 'db down' }),
      (_q, r) => json(r, 200, page(7)),
    ]);
    const result = await clientFor(server).companies.search();
    expect(result.totalNumberOfRecords).toBe(7);
    expect(apiCalls(server)).toHaveLength(3);
  });

  it('gives up after the retry count with a ServerError for a 503 that never ends', async () => {
    const server = await startScripted([
      (_q, r) => json(r, 503, { data: null, status: 'SERVICE_UNAVAILABLE', message: 'db down' }),
    ]);
    const error = await clientFor(server, { retry: { retries: 2, baseDelayMs: 1 } })
      .companies.search()
      .catch((e) => e);
    expect(error).toBeInstanceOf(ServerError);
    expect(error.message).toBe('db down');
    expect(apiCalls(server)).toHaveLength(3);
  });

  it('does not retry a 400, and carries the validation messages', async () => {
    const server = await startScripted([
      (_q, r) =>
        json(r, 400, {
          data: null,
          status: 'INPUT_ERROR',
          message: 'Invalid request',
          validationMessages: ['pageSize: at most 1000'],
        }),
    ]);
    const error = await clientFor(server)
      .companies.search()
      .catch((e) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.validationMessages).toEqual(['pageSize: at most 1000']);
    expect(apiCalls(server)).toHaveLength(1);
  });

  it('re-authenticates once on a 401 and retries with the new token', async () => {
    const server = await startScripted([
      (_q, r) => json(r, 401, { data: null, status: 'UNAUTHORIZED', message: 'expired' }),
      (_q, r) => json(r, 200, page(1)),
    ]);
    await clientFor(server).companies.search();
    const [first, second] = apiCalls(server);
    expect(tokenCalls(server)).toHaveLength(2);
    expect(first?.authorization).not.toBe(second?.authorization);
  });

  it('turns a 401 on a third fresh token in a row into an AuthError', async () => {
    const server = await startScripted([
      (_q, r) => json(r, 401, { data: null, status: 'UNAUTHORIZED', message: 'no' }),
    ]);
    await expect(clientFor(server).companies.search()).rejects.toBeInstanceOf(AuthError);
    expect(tokenCalls(server)).toHaveLength(3);
    expect(new Set(apiCalls(server).map((call) => call.authorization)).size).toBe(3);
  });

  it('maps invalid_client from the token endpoint to an AuthError', async () => {
    const server = await startScripted([], (_q, r) =>
      json(r, 400, { error: 'invalid_client', error_description: 'unknown client' }),
    );
    const error = await clientFor(server)
      .companies.search()
      .catch((e) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error.message).toBe('unknown client');
  });

  it('retries a page whose connection is reset mid-body', async () => {
    const server = await startScripted([
      (_q, r) => {
        const text = JSON.stringify(page(3));
        r.writeHead(200, { 'content-type': 'application/json', 'content-length': String(text.length) });
        r.write(text.slice(0, 20));
        setTimeout(() => r.socket?.destroy(), 5);
      },
      (_q, r) => json(r, 200, page(3)),
    ]);
    expect((await clientFor(server).companies.search()).totalNumberOfRecords).toBe(3);
    expect(apiCalls(server)).toHaveLength(2);
  });

  it('reports a server that cannot be reached as a NetworkError', async () => {
    const server = await startScripted([]);
    await server.close();
    const error = await clientFor(server, { retry: { retries: 1, baseDelayMs: 1 } })
      .companies.search()
      .catch((e) => e);
    expect(error).toBeInstanceOf(NetworkError);
  });

  it('fetches one token however many calls wait for it', async () => {
    const server = await startScripted([(_q, r) => json(r, 200, page(0))], (q, r, b) =>
      setTimeout(() => tokenHandler()(q, r, b), 30),
    );
    const client = clientFor(server);
    await Promise.all(Array.from({ length: 5 }, () => client.companies.search()));
    expect(tokenCalls(server)).toHaveLength(1);
    expect(apiCalls(server)).toHaveLength(5);
  });

  it('renews the token 60 s before it expires, by the injected clock', async () => {
    let now = Date.parse('2026-03-01T00:00:00Z');
    const server = await startScripted([(_q, r) => json(r, 200, page(0))], tokenHandler(3600));
    const client = clientFor(server, { now: () => now });
    await client.companies.search();
    now += 3600_000 - 61_000;
    await client.companies.search();
    expect(tokenCalls(server)).toHaveLength(1);
    now += 2_000;
    await client.companies.search();
    expect(tokenCalls(server)).toHaveLength(2);
  });

  it('sends the company scope header when a company is set', async () => {
    const server = await startScripted([(_q, r) => json(r, 200, page(0))]);
    await clientFor(server, { companyId: 'Cust00000001' }).companies.search();
    expect(apiCalls(server)[0]?.companyId).toBe('Cust00000001');
  });

  it('shows claims and permissions in whoami, never the token', async () => {
    const server = await startScripted([]);
    const identity = await clientFor(server).whoami();
    expect(identity.claims.role).toBe('Reseller');
    expect(identity.permissions).toEqual(['companies/search|POST']);
    expect(JSON.stringify(identity)).not.toContain('.sig');
  });
});

describe('a server that never answers', () => {
  it('gives each attempt a time limit and reports a NetworkError', async () => {
    const server = await startScripted([() => {}]);
    const client = clientFor(server, { retry: { retries: 1, baseDelayMs: 1, attemptTimeoutMs: 200 } });
    await expect(client.companies.search()).rejects.toBeInstanceOf(NetworkError);
    expect(apiCalls(server)).toHaveLength(2);
  });
});
