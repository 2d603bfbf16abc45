// A real HTTP proxy in front of a real server that behaves like the worse servers the client must survive
// (contract §8): other envelopes and key cases, numbers as strings, dates without an offset, a renewal-date
// filter rejected or ignored, an orderBy rejected, 429/503 now and then, tokens that expire mid-listing, slow
// pages and connections reset mid-page. Modes combine; every proxy keeps its own state (no globals).
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type RetryAfterStyle = 'seconds' | 'http-date' | 'none';

export interface EveryKth {
  /** Every k-th API request (counted per mode) gets the fault. */
  every: number;
  retryAfter?: RetryAfterStyle;
  /** The wait Retry-After asks for (default 0 s, so tests stay quick). */
  retryAfterSeconds?: number;
}

export interface FaultModes {
  /** `{ isSuccess, data, messages }` instead of the ServiceResult. */
  legacyEnvelope?: boolean;
  /** Every key of the envelope and of the payload in PascalCase. */
  pascalCase?: boolean;
  /** Integer fields as strings, and `numberOfUsers` as a number. */
  numbersAsStrings?: boolean;
  /** Date-times without their `Z`. */
  datesWithoutOffset?: boolean;
  /** A LicenseEndDate/RenewalDate filter item is answered with a 400. */
  rejectDateFilter?: boolean;
  /** LicenseEndDate/RenewalDate filter items are dropped before forwarding (the server "ignores" them). */
  ignoreDateFilter?: boolean;
  /** The whole filter is dropped before forwarding (the server "ignores" every filter item and the free text). */
  ignoreFilter?: boolean;
  /** `isClustered` is dropped before forwarding: the server answers flat pages. */
  ignoreClustered?: boolean;
  /** MonthlyActiveUser filter items are dropped before forwarding (a server that ignores the month). */
  ignoreMonthFilter?: boolean;
  /** rejectDateFilter and ignoreDateFilter act on CreateTime items too. */
  createTimeIsDateFilter?: boolean;
  /** These orderBy values are answered with a 400. */
  rejectOrderBy?: ('RenewalDate' | 'LicenseEndDate')[];
  rateLimit?: EveryKth;
  unavailable?: EveryKth;
  /** A token works for this many API calls; after that, 401. */
  tokenUses?: number;
  /** Delay before answering a search page. */
  slowPageMs?: number;
  /** Every k-th search page: half the body, then the socket is destroyed. */
  resetPageEvery?: number;
  /** The export route answers 404, as on a server that has none. */
  noExportRoute?: boolean;
  /** Export files are cut off after this many bytes (headers sent, then the socket is destroyed). */
  cutExportAfterBytes?: number;
  /** API writes (POST, PUT, DELETE) after this many are answered 503, retries too: a server gone mid-plan. */
  refuseWritesAfter?: number;
}

export interface RequestCounts {
  total: number;
  byPath: Record<string, number>;
}

export interface FaultProxy {
  baseUrl: string;
  /** Live counts of every request received (including the ones answered with a fault). */
  counts: RequestCounts;
  setModes(modes: FaultModes): void;
  resetCounts(): void;
  close(): Promise<void>;
}

const DATE_FIELDS = new Set(['licenseEndDate', 'LicenseEndDate', 'RenewalDate', 'renewalDate']);
const INT_FIELDS = new Set([
  'pageNumber',
  'pageSize',
  'totalNumberOfRecords',
  'totalNumberOfPages',
  'limitExceededCompanyCount',
  'targetUserCount',
  'inactiveTargetUserCount',
  'deletedTargetUserCount',
  'monthlyActiveUserCount',
  'privacyDurationId',
]);
const ZONED_DATE_TIME = /^(\d{4}-\d{2}-\d{2}T[\d:.]+)(Z|[+-]\d{2}:\d{2})$/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function mapJson(value: Json, visit: (key: string, value: Json) => [string, Json]): Json {
  if (Array.isArray(value)) return value.map((item) => mapJson(item, visit));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => visit(key, mapJson(inner, visit))));
}

const pascal = (key: string) => key.charAt(0).toUpperCase() + key.slice(1);

/** Rewrites a ServiceResult body the way the modes say. */
function rewriteBody(body: Json, modes: FaultModes): Json {
  let out = body;
  if (modes.numbersAsStrings) {
    out = mapJson(out, (key, value) => {
      if (INT_FIELDS.has(key) && typeof value === 'number') return [key, String(value)];
      if (key === 'numberOfUsers' && typeof value === 'string') return [key, Number(value)];
      return [key, value];
    });
  }
  if (modes.datesWithoutOffset) {
    out = mapJson(out, (key, value) =>
      typeof value === 'string' && ZONED_DATE_TIME.test(value)
        ? [key, value.replace(ZONED_DATE_TIME, '$1')]
        : [key, value],
    );
  }
  if (modes.legacyEnvelope && out !== null && typeof out === 'object' && !Array.isArray(out) && 'status' in out) {
    const messages: Json[] = [
      out.message ?? null,
      ...(Array.isArray(out.validationMessages) ? out.validationMessages : []),
    ];
    out = { isSuccess: out.status === 'SUCCESS', data: out.data ?? null, messages: messages.filter((m) => m !== null) };
  }
  if (modes.pascalCase) out = mapJson(out, (key, value) => [pascal(key), value]);
  return out;
}

interface FilterItemJson {
  FieldName?: string;
  fieldName?: string;
}

function isDateItem(item: Json, modes: FaultModes): boolean {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) return false;
  const field = String((item as FilterItemJson).FieldName ?? (item as FilterItemJson).fieldName ?? '');
  if (modes.createTimeIsDateFilter && field.toLowerCase() === 'createtime') return true;
  return DATE_FIELDS.has(field) || ['licenseenddate', 'renewaldate'].includes(field.toLowerCase());
}

/** JSON paths of date filter items in a search body's filter (both key cases accepted, as the server does). */
function dateItemPaths(filter: Json, modes: FaultModes, path = 'filter'): string[] {
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) return [];
  const record = filter as Record<string, Json>;
  const items = (record.FilterItems ?? record.filterItems ?? []) as Json[];
  const groups = (record.FilterGroups ?? record.filterGroups ?? []) as Json[];
  return [
    ...(Array.isArray(items) ? items : []).flatMap((item, i) =>
      isDateItem(item, modes) ? [`${path}.FilterItems[${i}].FieldName`] : [],
    ),
    ...(Array.isArray(groups) ? groups : []).flatMap((group, i) =>
      dateItemPaths(group, modes, `${path}.FilterGroups[${i}]`),
    ),
  ];
}

/** The items forwardBody drops: dates under ignoreDateFilter, months under ignoreMonthFilter. */
function isIgnoredItem(item: Json, modes: FaultModes): boolean {
  const field = String((item as FilterItemJson | null)?.FieldName ?? (item as FilterItemJson | null)?.fieldName ?? '');
  if (modes.ignoreMonthFilter && field.toLowerCase() === 'monthlyactiveuser') return true;
  return modes.ignoreDateFilter === true && isDateItem(item, modes);
}

function stripDateItems(filter: Json, modes: FaultModes): Json {
  if (filter === null || typeof filter !== 'object' || Array.isArray(filter)) return filter;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(filter)) {
    const lower = key.toLowerCase();
    if (lower === 'filteritems' && Array.isArray(value)) out[key] = value.filter((item) => !isIgnoredItem(item, modes));
    else if (lower === 'filtergroups' && Array.isArray(value))
      out[key] = value.map((group) => stripDateItems(group, modes));
    else out[key] = value;
  }
  return out;
}

function serviceResult(status: string, message: string, validationMessages: string[] | null = null): Json {
  return { data: null, status, message, validationMessages };
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Json;
}

function retryAfterHeaders(fault: EveryKth): Record<string, string> {
  const seconds = fault.retryAfterSeconds ?? 0;
  if (fault.retryAfter === 'none') return {};
  if (fault.retryAfter === 'http-date') {
    // An HTTP date has one-second resolution: send it against our own Date header, as a server would.
    const now = Date.now();
    return { 'retry-after': new Date(now + seconds * 1000).toUTCString(), date: new Date(now).toUTCString() };
  }
  return { 'retry-after': String(seconds) };
}

function readRequestBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function parseJson(buffer: Buffer): Json | undefined {
  try {
    return JSON.parse(buffer.toString('utf8')) as Json;
  } catch {
    return undefined;
  }
}

/** Forwards the first `limit` bytes of a response, then kills the connection: a file cut short. */
function cutAfter(answer: IncomingMessage, response: ServerResponse, limit: number): void {
  let sent = 0;
  answer.on('data', (chunk: Buffer) => {
    if (sent >= limit) return;
    const part = chunk.subarray(0, limit - sent);
    sent += part.length;
    response.write(part);
    if (sent >= limit) {
      answer.destroy();
      setTimeout(() => response.socket?.destroy(), 10);
    }
  });
  // A body shorter than the limit arrives whole; a cut one must never be ended cleanly.
  answer.on('end', () => {
    if (sent < limit) response.end();
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startFaultProxy(targetBaseUrl: string, initialModes: FaultModes = {}): Promise<FaultProxy> {
  const target = new URL(targetBaseUrl);
  let modes = initialModes;
  const counts: RequestCounts = { total: 0, byPath: {} };
  const faultCounters = { rateLimit: 0, unavailable: 0, reset: 0, writes: 0 };
  const tokenUses = new Map<string, number>();

  const isKth = (counter: keyof typeof faultCounters, every: number | undefined) => {
    if (every === undefined || every < 1) return false;
    faultCounters[counter] += 1;
    return faultCounters[counter] % every === 0;
  };

  /** A fault decided before forwarding, or undefined to forward. */
  function faultFor(path: string, request: IncomingMessage, body: Json | undefined): Reply | undefined {
    if (!path.startsWith('/api/')) return undefined;
    if (modes.rateLimit && isKth('rateLimit', modes.rateLimit.every)) {
      return {
        status: 429,
        headers: retryAfterHeaders(modes.rateLimit),
        body: serviceResult('RATE_LIMITED', 'Too many requests'),
      };
    }
    if (modes.unavailable && isKth('unavailable', modes.unavailable.every)) {
      return {
        status: 503,
        headers: retryAfterHeaders(modes.unavailable),
        body: serviceResult('SERVICE_UNAVAILABLE', 'Service unavailable'),
      };
    }
    const isWrite = request.method === 'POST' || request.method === 'PUT' || request.method === 'DELETE';
    if (modes.refuseWritesAfter !== undefined && isWrite && !path.includes('/search')) {
      faultCounters.writes += 1;
      if (faultCounters.writes > modes.refuseWritesAfter) {
        return {
          status: 503,
          headers: retryAfterHeaders({ every: 1 }),
          body: serviceResult('SERVICE_UNAVAILABLE', 'Service unavailable'),
        };
      }
    }
    const authorization = request.headers.authorization;
    if (modes.tokenUses !== undefined && authorization !== undefined) {
      const uses = tokenUses.get(authorization) ?? 0;
      tokenUses.set(authorization, uses + 1);
      if (uses >= modes.tokenUses) {
        return {
          status: 401,
          headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
          body: serviceResult('UNAUTHORIZED', 'The token has expired'),
        };
      }
    }
    if (modes.noExportRoute && path === '/api/companies/search/export') {
      return { status: 404, headers: {}, body: serviceResult('NOT_FOUND', `Route POST:${path} not found`) };
    }
    if (!path.startsWith('/api/companies/search') || body === null || typeof body !== 'object' || Array.isArray(body)) {
      return undefined;
    }
    const record = body as Record<string, Json>;
    const orderBy = String(record.orderBy ?? record.OrderBy ?? '');
    const rejected = (modes.rejectOrderBy ?? []).find((name) => name.toLowerCase() === orderBy.toLowerCase());
    if (rejected !== undefined) {
      return {
        status: 400,
        headers: {},
        body: serviceResult('INPUT_ERROR', 'Invalid request', [`orderBy: "${orderBy}" is not a sortable column`]),
      };
    }
    const datePaths = dateItemPaths(record.filter ?? record.Filter ?? null, modes);
    if (modes.rejectDateFilter && datePaths.length > 0) {
      return {
        status: 400,
        headers: {},
        body: serviceResult(
          'INPUT_ERROR',
          'Invalid request',
          datePaths.map((p) => `${p}: this field cannot be filtered on`),
        ),
      };
    }
    return undefined;
  }

  function send(response: ServerResponse, reply: Reply): void {
    const text = JSON.stringify(rewriteBody(reply.body, modes));
    response.writeHead(reply.status, {
      ...reply.headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(text),
    });
    response.end(text);
  }

  function forwardBody(path: string, body: Buffer, json: Json | undefined): Buffer {
    const stripsItems = modes.ignoreDateFilter || modes.ignoreMonthFilter;
    const rewrites = stripsItems || modes.ignoreFilter || modes.ignoreClustered;
    if (!rewrites || !path.startsWith('/api/companies/search') || json === undefined) return body;
    if (json === null || typeof json !== 'object' || Array.isArray(json)) return body;
    const dropped = (key: string) =>
      (modes.ignoreFilter && key === 'filter') || (modes.ignoreClustered && key === 'isclustered');
    const rewritten = Object.fromEntries(
      Object.entries(json)
        .filter(([key]) => !dropped(key.toLowerCase()))
        .map(([key, value]) => [
          key,
          key.toLowerCase() === 'filter' && stripsItems ? stripDateItems(value, modes) : value,
        ]),
    );
    return Buffer.from(JSON.stringify(rewritten));
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    counts.total += 1;
    counts.byPath[path] = (counts.byPath[path] ?? 0) + 1;
    const body = await readRequestBody(request);
    const json = body.length > 0 ? parseJson(body) : undefined;
    const fault = faultFor(path, request, json ?? null);
    if (fault !== undefined) return send(response, fault);

    const isSearchPage = path === '/api/companies/search';
    if (isSearchPage && modes.slowPageMs) await sleep(modes.slowPageMs);
    const outgoing = forwardBody(path, body, json);
    const headers = { ...request.headers, host: target.host, 'content-length': String(outgoing.length) };
    delete headers.connection;

    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: request.method, path: request.url, headers },
      (answer) => {
        const contentType = String(answer.headers['content-type'] ?? '');
        const isApiJson = path.startsWith('/api/') && contentType.includes('json');
        if (!isApiJson) {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          if (modes.cutExportAfterBytes !== undefined && path === '/api/companies/search/export') {
            cutAfter(answer, response, modes.cutExportAfterBytes);
            return;
          }
          answer.pipe(response);
          return;
        }
        readRequestBody(answer).then(
          (raw) => {
            const parsed = parseJson(raw);
            const text = parsed === undefined ? raw.toString('utf8') : JSON.stringify(rewriteBody(parsed, modes));
            const passHeaders = { ...answer.headers };
            delete passHeaders['content-length'];
            delete passHeaders['transfer-encoding'];
            response.writeHead(answer.statusCode ?? 502, { ...passHeaders, 'content-length': Buffer.byteLength(text) });
            if (isSearchPage && isKth('reset', modes.resetPageEvery)) {
              // Part of the body, then the connection dies: the client sees a page cut short.
              response.write(text.slice(0, Math.floor(text.length / 2)));
              setTimeout(() => response.socket?.destroy(), 10);
              return;
            }
            response.end(text);
          },
          (error: unknown) => response.destroy(error as Error),
        );
      },
    );
    upstream.on('error', (error) => {
      if (!response.headersSent)
        send(response, { status: 502, headers: {}, body: serviceResult('BAD_GATEWAY', error.message) });
      else response.destroy(error);
    });
    upstream.end(outgoing);
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => response.destroy(error as Error));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    counts,
    setModes(next) {
      modes = next;
    },
    resetCounts() {
      counts.total = 0;
      for (const key of Object.keys(counts.byPath)) delete counts.byPath[key];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
