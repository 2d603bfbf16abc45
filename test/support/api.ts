// Small real-HTTP helpers for server tests: a token per credential, and JSON calls that return status, headers
// and the parsed body, each response checked against the contract's schema for its route first.
import type { TestCredential } from './test-server.js';
import { assertWireExchange } from './wire-schemas.js';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function fetchToken(baseUrl: string, credential: TestCredential): Promise<string> {
  const response = await fetch(`${baseUrl}/connect/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credential.clientId,
      client_secret: credential.clientSecret,
      scope: 'api1',
    }),
  });
  const body = (await response.json()) as { access_token?: string };
  if (response.status !== 200 || !body.access_token) throw new Error(`token request failed: ${response.status}`);
  return body.access_token;
}

export async function callApi<T = any>(
  baseUrl: string,
  path: string,
  init: { token?: string; method?: string; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] ??= 'application/json';
  const method = init.method ?? (init.body !== undefined || init.rawBody !== undefined ? 'POST' : 'GET');
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = new TextDecoder().decode(await checkedBytes(method, path, response)); // as response.text() decodes
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {}
  return { status: response.status, headers: response.headers, body: body as T };
}

/** A fetched response's body, once it has passed the contract's checks for its route (wire-schemas.ts). */
export async function checkedBytes(method: string, path: string, response: Response): Promise<Buffer> {
  const bytes = Buffer.from(await response.arrayBuffer());
  await assertWireExchange({ method, path, status: response.status, headers: response.headers, bytes });
  return bytes;
}

export function searchBody(overrides: Record<string, unknown> = {}) {
  return { pageNumber: 1, pageSize: 100, orderBy: 'CompanyName', ascending: true, ...overrides };
}
