// The `mix` benchmark's workload: what 20 resellers of different sizes ask a server for, in one fixed
// pseudo-random order that no cache can flatten — the expired, renewing-within-30-days and over-limit views and
// text searches, pages 1–20 of 10–1,000 rows, and a few CSV and Excel exports. The same list of requests is
// sent over HTTP (autocannon) and run in-process for the floor, so both measure the same work.
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import autocannon from 'autocannon';
import {
  addDays,
  type CalendarDay,
  canonicalExportType,
  type ExportBody,
  type SearchBody,
} from '../src/contract/index.js';
import { withExportFile } from '../src/server/companies/export-route.js';
import type { Scope } from '../src/server/companies/scope.js';
import { searchPageBody } from '../src/server/companies/search-page.js';
import { parseCompanyQuery } from '../src/server/companies/search-query.js';
import { DEFAULT_CONFIG } from '../src/server/config.js';
import type { Storage } from '../src/server/db/index.js';
import type { BenchCredential } from './fixtures.js';
import { percentile } from './report.js';

export type MixView = 'expired' | 'renewing' | 'over-limit' | 'text';

export interface MixRequest {
  /** Index into the resellers. */
  reseller: number;
  view: MixView;
  path: '/api/companies/search' | '/api/companies/search/export';
  body: Record<string, unknown>;
}

export const PAGE_SIZES = [10, 25, 50, 100, 250, 500, 1000] as const;
const VIEWS: readonly MixView[] = ['expired', 'renewing', 'over-limit', 'text'];
/** One request in this many is an export; every fourth export is Excel. */
const EXPORT_EVERY = 100;
const TEXTS = ['a', 'an', 'co', 'er', 'in', 'lt', 'on', 'st', 'te', 'ra', 'gro', 'ind', 'sys', 'tech', 'ltd'];

/** mulberry32: a small, fast, seedable generator, so every run sends the same requests in the same order. */
function randomStream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function viewBody(view: MixView, today: CalendarDay, text: string): Record<string, unknown> {
  const items = (...list: { FieldName: string; Operator: string; Value: string }[]) => ({
    FilterGroups: [{ FilterItems: list }],
  });
  switch (view) {
    case 'expired':
      return {
        orderBy: 'RenewalDate',
        ascending: true,
        filter: items({ FieldName: 'LicenseEndDate', Operator: '<', Value: today }),
      };
    case 'renewing':
      return {
        orderBy: 'RenewalDate',
        ascending: true,
        filter: items(
          { FieldName: 'LicenseEndDate', Operator: '>=', Value: today },
          { FieldName: 'LicenseEndDate', Operator: '<', Value: addDays(today, 31) },
        ),
      };
    case 'over-limit':
      return { orderBy: 'CompanyName', ascending: true, isTargetUserCountExceededLimit: true };
    case 'text':
      return { orderBy: 'CompanyName', ascending: false, filter: { SearchInputTextValue: text } };
  }
}

/**
 * `count` requests over `resellers` resellers. Larger resellers ask more often (weight ∝ √size, so the smallest
 * still appear); early pages more often than late ones.
 */
export function mixRequests(options: {
  count: number;
  resellerSizes: readonly number[];
  today: CalendarDay;
  seed?: number;
}): MixRequest[] {
  const random = randomStream(options.seed ?? 20261201);
  const weights = options.resellerSizes.map((size) => Math.sqrt(Math.max(1, size)));
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0);
  const pickReseller = () => {
    let at = random() * totalWeight;
    for (const [index, weight] of weights.entries()) {
      at -= weight;
      if (at < 0) return index;
    }
    return weights.length - 1;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const requests: MixRequest[] = [];
  for (let index = 0; index < options.count; index++) {
    const reseller = pickReseller();
    const view = pick(VIEWS);
    const base = viewBody(view, options.today, pick(TEXTS));
    if (index % EXPORT_EVERY === EXPORT_EVERY - 1) {
      const exportType = Math.floor(index / EXPORT_EVERY) % 4 === 3 ? 'Excel' : 'CSV';
      requests.push({
        reseller,
        view,
        path: '/api/companies/search/export',
        body: { ...base, pageNumber: 1, pageSize: 1000, reportAllPages: true, exportType },
      });
      continue;
    }
    const pageNumber = 1 + Math.floor(random() ** 2 * 20);
    requests.push({
      reseller,
      view,
      path: '/api/companies/search',
      body: { ...base, pageNumber, pageSize: pick(PAGE_SIZES) },
    });
  }
  return requests;
}

/** What a mix request asks for: a page, an export, or a token (a renewal). */
export type MixKind = 'search' | 'export' | 'token';

/** One kind's latency, from each request's set-up to its response, as the client sees it. */
export interface KindLatency {
  count: number;
  p50: number;
  p99: number;
}

export interface MixTraffic {
  requests: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** The same latency, split by what was asked: p99 over every request sits where exports (1 in 100) begin. */
  byKind: Record<MixKind, KindLatency>;
  /**
   * Search latency of the BUSIEST_RESELLERS resellers that sent the most searches, and of all the others: the
   * search gate serves first the client with the fewest queries running, so the clients asking most wait most.
   */
  searchesOfBusiest: KindLatency;
  searchesOfOthers: KindLatency;
  /** Responses other than 2xx, by status. */
  failures: Record<string, number>;
  errors: number;
  timeouts: number;
  tokenRequests: number;
}

/** How many of the resellers that searched most are reported apart from the others (MixTraffic). */
export const BUSIEST_RESELLERS = 2;

function searchesOfBusiestAndOthers(
  byReseller: number[][],
): Pick<MixTraffic, 'searchesOfBusiest' | 'searchesOfOthers'> {
  const busiestFirst = [...byReseller].sort((a, b) => b.length - a.length);
  return {
    searchesOfBusiest: kindLatency(busiestFirst.slice(0, BUSIEST_RESELLERS).flat()),
    searchesOfOthers: kindLatency(busiestFirst.slice(BUSIEST_RESELLERS).flat()),
  };
}

function kindLatency(ms: number[]): KindLatency {
  const sorted = [...ms].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

interface TokenState {
  token: string;
  renewAtMs: number;
  renewing: boolean;
}

/**
 * Sends `requests` in order (wrapping round) over `connections` connections for `seconds`. Each reseller's
 * token is renewed when it is `tokenSeconds` old — the request that finds it stale goes to /connect/token
 * instead, and the reseller's next request uses the new token — so token issuing is part of the traffic, as
 * it is for clients whose tokens expire while they work.
 */
export async function sendMix(options: {
  baseUrl: string;
  resellers: readonly BenchCredential[];
  /** Each reseller's token at the start; the old one is still sent while its renewal is on its way. */
  tokens: readonly string[];
  requests: readonly MixRequest[];
  seconds: number;
  connections: number;
  tokenSeconds: number;
}): Promise<MixTraffic> {
  const startedMs = Date.now();
  const tokens: TokenState[] = options.tokens.map((token) => ({
    token,
    renewAtMs: startedMs + options.tokenSeconds * 1000,
    renewing: false,
  }));
  const forms = options.resellers.map((credential) =>
    new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credential.clientId,
      client_secret: credential.clientSecret,
    }).toString(),
  );
  const bodies = options.requests.map((request) => JSON.stringify(request.body));
  let next = 0;
  let tokenRequests = 0;
  const failures: Record<string, number> = {};
  type Pending = { renewing?: number; kind?: MixKind; reseller?: number; sentAt?: number };
  const latencies: Record<MixKind, number[]> = { search: [], export: [], token: [] };
  const searchesByReseller: number[][] = options.resellers.map(() => []);
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.baseUrl,
        connections: options.connections,
        duration: options.seconds,
        timeout: 30,
        requests: [
          {
            setupRequest: (request, context) => {
              const pending = context as Pending;
              const index = next % options.requests.length;
              const mix = options.requests[index] as MixRequest;
              const state = tokens[mix.reseller] as TokenState;
              pending.renewing = undefined;
              pending.sentAt = performance.now();
              if (Date.now() >= state.renewAtMs && !state.renewing) {
                state.renewing = true;
                pending.renewing = mix.reseller;
                pending.kind = 'token';
                tokenRequests++;
                return {
                  ...request,
                  method: 'POST',
                  path: '/connect/token',
                  headers: { 'content-type': 'application/x-www-form-urlencoded' },
                  body: forms[mix.reseller],
                };
              }
              next++;
              pending.kind = mix.path === '/api/companies/search/export' ? 'export' : 'search';
              pending.reseller = mix.reseller;
              return {
                ...request,
                method: 'POST',
                path: mix.path,
                headers: { 'content-type': 'application/json', authorization: `Bearer ${state.token}` },
                body: bodies[index],
              };
            },
            onResponse: (status, body, context) => {
              const pending = context as Pending;
              if (pending.kind && pending.sentAt !== undefined) {
                const ms = performance.now() - pending.sentAt;
                latencies[pending.kind].push(ms);
                if (pending.kind === 'search' && pending.reseller !== undefined) {
                  searchesByReseller[pending.reseller]?.push(ms);
                }
              }
              if (pending.renewing === undefined) return;
              const state = tokens[pending.renewing] as TokenState;
              state.renewing = false;
              if (status !== 200) return;
              state.token = (JSON.parse(body) as { access_token: string }).access_token;
              state.renewAtMs = Date.now() + options.tokenSeconds * 1000;
            },
          },
        ],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, statusCode) => {
      if (statusCode < 200 || statusCode >= 300) failures[statusCode] = (failures[statusCode] ?? 0) + 1;
    });
  });
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / options.seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    byKind: {
      search: kindLatency(latencies.search),
      export: kindLatency(latencies.export),
      token: kindLatency(latencies.token),
    },
    ...searchesOfBusiestAndOthers(searchesByReseller),
    failures,
    errors: result.errors,
    timeouts: result.timeouts,
    tokenRequests,
  };
}

/**
 * What the server does for `request`, in this process and without HTTP or caches: its search page's bytes, or
 * its export's file written to `sink` (the floor; a test holds these equal to the server's answers).
 */
export async function answerInProcess(
  storage: Storage,
  scope: Scope,
  request: MixRequest,
  todayStartMs: number,
  sink: Writable,
): Promise<void> {
  if (request.path === '/api/companies/search/export') {
    const body = request.body as unknown as ExportBody;
    const exportType = canonicalExportType(body.exportType);
    if (!exportType) throw new Error(`not an export type: ${body.exportType}`);
    const query = parseCompanyQuery(body, scope, todayStartMs);
    await withExportFile(storage, query, body, exportType, DEFAULT_CONFIG, (file) => pipeline(file, sink));
    return;
  }
  const body = request.body as unknown as SearchBody;
  const bytes = await searchPageBody(storage, parseCompanyQuery(body, scope, todayStartMs), body, false);
  sink.end(bytes);
}
