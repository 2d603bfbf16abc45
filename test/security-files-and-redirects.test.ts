// What leaves lapse, over real HTTP on both databases: CSV files that no spreadsheet runs as formulas whichever
// separator it splits on (contract §5), credentials that never follow a redirect to another origin, and a
// dashboard (`lapse ui`) that serves its API only to its own page.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, ServerError } from '../src/client/index.js';
import { createPortfolio, type DashboardServer, startDashboardServer } from '../src/dashboard/index.js';
import { foldTags, foldText } from '../src/server/db/fold-text.js';
import { fetchToken } from './support/api.js';
import { DATABASE_KINDS } from './support/databases.js';
import { startTestServer, type TestCredential, type TestServer } from './support/test-server.js';

const ROOT = new URL('..', import.meta.url).pathname;
/** contract §5: what a spreadsheet may run as a formula at the start of a cell. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Company names that a `;` reader would split into a formula cell, and what every reader must see instead. */
const HOSTILE_NAMES = [
  { name: 'semi;=1+2', cell: "semi;'=1+2" },
  { name: 'comma,+SUM(1;2)', cell: "comma,'+SUM(1;2)" },
  { name: 'quoted;"=1+2"', cell: `quoted;'"=1+2"` },
  { name: '@at;-3;\tlast', cell: "'@at;'-3;'\tlast" },
] as const;
const HOSTILE_TAGS = ['billing;=HYPERLINK("http://x")', '-1'];
// Tags are joined by `, `: the cell a `,` split starts there begins with a space, which no spreadsheet runs.
const HOSTILE_TAGS_CELL = `billing;'=HYPERLINK("http://x"), -1`;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function runCli(args: string[], env: Record<string, string>, home: string): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(ROOT, 'bin/lapse.js'), ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, 'xdg'), ...env } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const cliEnv = (baseUrl: string, credential: TestCredential) => ({
  LAPSE_BASE_URL: baseUrl,
  LAPSE_CLIENT_ID: credential.clientId,
  LAPSE_CLIENT_SECRET: credential.clientSecret,
});

/** Every cell as a reader splitting on `separator` finds it, quotes read as loosely as spreadsheets read them. */
function cellsSplitOn(text: string, separator: ',' | ';'): string[] {
  const records: string[][] = parse(text, {
    bom: true,
    delimiter: separator,
    relax_quotes: true,
    relax_column_count: true,
    skip_records_with_error: true,
  });
  return records.flat();
}

/** Cells a naive reader finds by cutting every line at each separator, ignoring quotes altogether. */
function cellsCutAt(text: string, separator: ',' | ';'): string[] {
  return text.split(/\r\n|\n/).flatMap((line) => line.split(separator));
}

function expectNoFormulaCell(text: string): void {
  for (const cells of [
    cellsSplitOn(text, ','),
    cellsSplitOn(text, ';'),
    cellsCutAt(text, ','),
    cellsCutAt(text, ';'),
  ]) {
    expect(cells.length).toBeGreaterThan(0);
    expect(cells.filter((cell) => FORMULA_START.test(cell.replace(/^"+/, '')))).toEqual([]);
  }
}

/** The name cells of the hostile companies, as an RFC 4180 reader on `,` finds them. */
function hostileCells(text: string): { names: string[]; tags: string[] } {
  const [header, ...rows]: string[][] = parse(text, { bom: true });
  const name = header?.indexOf('Company Name') ?? -1;
  const tags = header?.indexOf('Tags') ?? -1;
  const cells = new Set<string>(HOSTILE_NAMES.map((hostile) => hostile.cell));
  const hostileRows = rows.filter((row) => cells.has(row[name] ?? ''));
  return { names: hostileRows.map((row) => row[name] ?? '').sort(), tags: hostileRows.map((row) => row[tags] ?? '') };
}

/** The cells LibreOffice finds in a CSV it opens with `;` as the separator, formulas evaluated, as comma CSV. */
async function libreOfficeSemicolonCells(text: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'lapse-csv-'));
  try {
    const file = join(dir, 'export.csv');
    await writeFile(file, text);
    // 59,34,76: semicolon, double quote, UTF-8; token 13 evaluates formulas on import.
    const infilter = 'CSV:59,34,76,1,,0,false,true,false,false,false,false,true';
    const outfilter = 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false';
    const profile = `-env:UserInstallation=file://${join(dir, 'profile')}`;
    await new Promise<void>((resolve, reject) =>
      execFile(
        'libreoffice',
        [
          profile,
          '--headless',
          `--infilter=${infilter}`,
          '--convert-to',
          outfilter,
          '--outdir',
          join(dir, 'out'),
          file,
        ],
        { timeout: 110_000 },
        (error) => (error ? reject(error) : resolve()),
      ),
    );
    const converted = await readFile(join(dir, 'out', 'export.csv'), 'utf8');
    return (parse(converted, { relax_column_count: true }) as string[][]).flat();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe.each(DATABASE_KINDS)('CSV cells a `;` or `,` reader could run, on %s', (kind) => {
  let server: TestServer;
  let token: string;
  let home: string;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 120 });
    home = await mkdtemp(join(tmpdir(), 'lapse-cli-home-'));
    const targets = await server.storage.db
      .selectFrom('companies')
      .select('resource_id')
      .where('depth', '>', 0)
      .orderBy('id')
      .limit(HOSTILE_NAMES.length)
      .execute();
    for (const [index, { name }] of HOSTILE_NAMES.entries()) {
      const resourceId = targets[index]?.resource_id ?? '';
      const tags = index === 0 ? HOSTILE_TAGS : [];
      await server.storage.db
        .updateTable('companies')
        .set({ name, name_folded: foldText(name), tags: JSON.stringify(tags), tags_folded: foldTags(tags) })
        .where('resource_id', '=', resourceId)
        .execute();
    }
    token = await fetchToken(server.baseUrl, server.credentials.root);
  });
  afterAll(async () => {
    await server?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  async function serverExport(): Promise<string> {
    const response = await fetch(`${server.baseUrl}/api/companies/search/export`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        pageNumber: 1,
        pageSize: 500,
        orderBy: 'CompanyName',
        ascending: true,
        exportType: 'CSV',
        reportAllPages: true,
      }),
    });
    expect(response.status).toBe(200);
    return new TextDecoder().decode(await response.arrayBuffer());
  }

  it('the server export quotes `;` and neutralises every cell a split would start', async () => {
    const text = await serverExport();
    expect(hostileCells(text)).toEqual({
      names: HOSTILE_NAMES.map((hostile) => hostile.cell).sort(),
      tags: expect.arrayContaining([HOSTILE_TAGS_CELL]) as string[],
    });
    expect(text).toContain(`"semi;'=1+2"`);
    expectNoFormulaCell(text);
  });

  it('the CLI writes the same cells with its own writer', async () => {
    const result = await runCli(
      ['companies', '--format', 'csv'],
      cliEnv(server.baseUrl, server.credentials.root),
      home,
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(hostileCells(result.stdout).names).toEqual(HOSTILE_NAMES.map((hostile) => hostile.cell).sort());
    expectNoFormulaCell(result.stdout);
  });

  it('LibreOffice opening the export with `;` as separator finds no formula', async () => {
    const cells = await libreOfficeSemicolonCells(await serverExport());
    expect(cells.length).toBeGreaterThan(100);
    // An evaluated formula shows as its result or its error, never as the text it was written as.
    expect(cells.filter((cell) => /^(Err:\d+|#[A-Z/0!?]+)/.test(cell))).toEqual([]);
    // The `;` inside "semi;=1+2" starts a cell there, which keeps its neutralising quote and the rest of the line.
    expect(cells.filter((cell) => cell.startsWith(`'=1+2",`))).toHaveLength(1);
  }, 150_000);
});

interface Recorded {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

function listen(handle: (request: IncomingMessage, body: string, response: ServerResponse) => void): Promise<Server> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handle(request, Buffer.concat(chunks).toString('utf8'), response));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const urlOfServer = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const closeServer = (server: Server | undefined) =>
  new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));

describe.each(DATABASE_KINDS)('redirects to another origin, on %s', (kind) => {
  let server: TestServer;
  /** Another loopback port: it records all it is sent. */
  let elsewhere: Server;
  const received: Recorded[] = [];
  /** The base URL the clients are given: it answers with `status`, to `elsewhere`, whatever `redirects` names. */
  let redirector: Server;
  let status = 307;
  let redirects: 'everything' | 'api' = 'everything';
  /** Access tokens the real server issued through the redirector. */
  const issued: string[] = [];
  let home: string;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 60 });
    home = await mkdtemp(join(tmpdir(), 'lapse-cli-home-'));
    elsewhere = await listen((request, body, response) => {
      received.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ access_token: 'x.e30.x', expires_in: 3600, isSuccess: true, data: {} }));
    });
    redirector = await listen(async (request, body, response) => {
      const path = request.url ?? '/';
      if (redirects === 'api' && path.startsWith('/connect/')) {
        // The token request reaches the real server, so the API call that follows carries a real bearer token.
        const answer = await fetch(`${server.baseUrl}${path}`, {
          method: request.method ?? 'POST',
          headers: { 'content-type': String(request.headers['content-type']) },
          body,
        });
        const text = await answer.text();
        issued.push((JSON.parse(text) as { access_token: string }).access_token);
        response.writeHead(answer.status, { 'content-type': answer.headers.get('content-type') ?? 'text/plain' });
        response.end(text);
        return;
      }
      response.writeHead(status, { location: `${urlOfServer(elsewhere)}${path}` });
      response.end();
    });
  });
  afterAll(async () => {
    await closeServer(redirector);
    await closeServer(elsewhere);
    await server?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  /** Neither the secret nor any issued token reached the other origin; nothing at all did, in fact. */
  function expectNothingElsewhere(secret: string): void {
    const credentials = [secret, ...issued];
    const leaked = received.filter((request) => credentials.some((value) => JSON.stringify(request).includes(value)));
    expect(leaked).toEqual([]);
    expect(received).toEqual([]);
  }

  it.each([307, 308, 302])(
    'the SDK refuses a %i on the token request and on API calls, and sends nothing to the other origin',
    async (code) => {
      status = code;
      received.length = 0;
      const credential = server.credentials.reseller;
      redirects = 'everything';
      const client = createClient({ baseUrl: urlOfServer(redirector), ...credential });
      const tokenRefusal = await client.whoami().then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(tokenRefusal).toBeInstanceOf(ServerError);
      expect(tokenRefusal).toMatchObject({
        httpStatus: code,
        message: expect.stringContaining(`a redirect to ${urlOfServer(elsewhere)}/connect/token`) as string,
      });
      expectNothingElsewhere(credential.clientSecret);

      redirects = 'api';
      const issuedBefore = issued.length;
      const apiRefusal = await client.companies.search({ pageNumber: 1, pageSize: 5 }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(apiRefusal).toBeInstanceOf(ServerError);
      expect(apiRefusal).toMatchObject({ httpStatus: code });
      // The SDK held a real token when it called the API: that token must not have gone anywhere either.
      expect(issued.length).toBe(issuedBefore + 1);
      expectNothingElsewhere(credential.clientSecret);
    },
  );

  it('the CLI exits with the unavailable code (5) and says why, having sent nothing to the other origin', async () => {
    status = 308;
    received.length = 0;
    const credential = server.credentials.reseller;
    for (const mode of ['everything', 'api'] as const) {
      redirects = mode;
      const result = await runCli(['companies', '--format', 'json'], cliEnv(urlOfServer(redirector), credential), home);
      expect(result.code).toBe(5);
      expect(result.stderr).toContain('redirects are not followed');
      expect(result.stdout).toBe('');
      expectNothingElsewhere(credential.clientSecret);
    }
  });
});

describe.each(DATABASE_KINDS)('the dashboard in front of the real API, on %s', (kind) => {
  let server: TestServer;
  let dashboard: DashboardServer;
  let webRoot: string;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 60 });
    webRoot = await mkdtemp(join(tmpdir(), 'lapse-ui-web-'));
    const client = createClient({ baseUrl: server.baseUrl, ...server.credentials.reseller });
    dashboard = await startDashboardServer({
      client,
      portfolio: createPortfolio({ client, now: Date.now }),
      baseUrl: server.baseUrl,
      companyId: undefined,
      webRoot,
      port: 0,
    });
  });
  afterAll(async () => {
    await dashboard?.close();
    await server?.close();
    if (webRoot) await rm(webRoot, { recursive: true, force: true });
  });

  /** A GET with exactly these headers, as a browser or another site's page could send it. */
  function get(path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    const { port } = new URL(dashboard.url);
    return new Promise((resolve, reject) => {
      request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
        );
      })
        .on('error', reject)
        .end();
    });
  }

  it('lists and downloads for its own page, refuses other sites (403) and malformed escapes (400)', async () => {
    const own = { 'x-lapse-dashboard': '1' };
    expect((await get('/ui-api/companies?view=expired', own)).status).toBe(200);
    const download = await get('/ui-api/export?format=csv&view=expired', { 'sec-fetch-site': 'same-origin' });
    expect(download.status).toBe(200);
    expect(download.body.startsWith('\uFEFFCompany Name,')).toBe(true);
    const foreign: Record<string, string>[] = [
      {},
      { origin: 'http://attacker.example' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of foreign) {
      const refused = await get('/ui-api/export?format=csv&view=expired', headers);
      expect({ headers, status: refused.status }).toEqual({ headers, status: 403 });
    }
    for (const path of ['/ui-api/companies?view=expired&q=%E0%A4%A', '/ui-api/compan%ies?view=expired']) {
      const malformed = await get(path, own);
      expect({ path, status: malformed.status }).toEqual({ path, status: 400 });
      expect(JSON.parse(malformed.body)).toMatchObject({ error: { kind: 'invalid' } });
    }
  });
});
