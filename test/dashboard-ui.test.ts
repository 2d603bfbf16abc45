// The dashboard end to end: the real API server over a seeded SQLite database, the real `lapse ui` process
// (bin/lapse.js, built by `npm run build`), and Chromium driving the page. Truth comes from SQL on the database.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf, dayStartUtc } from '../src/contract/index.js';
import { disableCredential } from '../src/server/admin/index.js';
import { startTestServer, type TestCredential, type TestServer } from './support/test-server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCREENSHOTS = join(ROOT, 'test-results', 'dashboard');
const NOW = Date.now();
const TODAY = dayOf(NOW);

interface CompanyFact {
  id: string;
  name: string;
  reseller: string | null;
}

interface UiProcess {
  url: string;
  stop(): Promise<void>;
}

let api: TestServer;
let browser: Browser;
let configHome: string;
const processes: UiProcess[] = [];

/** Starts `lapse ui --port 0` with a credential and returns the URL it prints. */
async function startUi(baseUrl: string, credential: TestCredential): Promise<UiProcess> {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin', 'lapse.js'), 'ui', '--port', '0'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: configHome,
      XDG_CONFIG_HOME: configHome,
      LAPSE_BASE_URL: baseUrl,
      LAPSE_CLIENT_ID: credential.clientId,
      LAPSE_CLIENT_SECRET: credential.clientSecret,
      LAPSE_NOW: new Date(NOW).toISOString(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`lapse ui printed no URL: ${output}`)), 30_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout?.on('data', read);
    child.stderr?.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lapse ui exited with ${code}: ${output}`));
    });
  });
  const ui = {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
  processes.push(ui);
  return ui;
}

/** A loopback port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Independent truth: companies below the credential's company (contract §3) that match `where`, by SQL. */
function queryCompanies(credential: TestCredential, where: string): CompanyFact[] {
  const db = new Database(api.databaseLocation, { readonly: true });
  try {
    const { path } = db
      .prepare('SELECT path FROM companies WHERE resource_id = ?')
      .get(credential.companyResourceId) as {
      path: string;
    };
    // schema.ts: a subtree is the path range ('/a/b/', '/a/b0'); the company itself is not in its own view.
    return db
      .prepare(
        `SELECT resource_id AS id, name, reseller_name AS reseller FROM companies
         WHERE path > ? AND path < ? AND (${where})`,
      )
      .all(path, `${path.slice(0, -1)}0`) as CompanyFact[];
  } finally {
    db.close();
  }
}

const expiredFacts = () => queryCompanies(api.credentials.reseller, `license_end_at < ${dayStartUtc(TODAY)}`);

/** Runs `action` and waits until the table shows the answer of the /ui-api/companies request it caused. */
async function settle(page: Page, action: () => Promise<unknown>): Promise<void> {
  const answered = page.waitForResponse((response) => new URL(response.url()).pathname === '/ui-api/companies');
  await action();
  await answered;
  await page.locator('.table-wrap:not(.is-loading)').waitFor();
  await page.locator('.table-status [data-total]').waitFor();
}

async function tableIds(page: Page): Promise<string[]> {
  return page
    .locator('table.companies tbody tr')
    .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-company-id') ?? ''));
}

/** Every row of the view across all its pages, by clicking Next until it is disabled. */
async function allTableIds(page: Page): Promise<string[]> {
  const ids = await tableIds(page);
  const next = page.getByRole('button', { name: 'Next ›' });
  for (let guard = 0; guard < 100 && (await next.isEnabled()); guard++) {
    await settle(page, () => next.click());
    ids.push(...(await tableIds(page)));
  }
  return ids;
}

async function openDashboard(url: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
  const page = await browser.newPage({ viewport, acceptDownloads: true });
  await settle(page, () => page.goto(url));
  return page;
}

async function download(page: Page, format: 'csv' | 'xlsx'): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-export="${format}"]`).click()]);
  return file.path();
}

async function downloadCsvIds(page: Page): Promise<string[]> {
  const text = await readFile(await download(page, 'csv'), 'utf8');
  const records = parse(text, { bom: true, columns: true }) as Record<string, string>[];
  return records.map((record) => record['Company ID'] ?? '');
}

async function downloadXlsxIds(page: Page): Promise<string[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(await download(page, 'xlsx'));
  const column = workbook.getWorksheet('Companies')?.getColumn(2).values ?? [];
  // contract §5: the second column is Company ID; row 1 is the header.
  return column.slice(2).map(String);
}

const sorted = (ids: string[]) => [...ids].sort();

beforeAll(async () => {
  if (
    !existsSync(join(ROOT, 'dist', 'web', 'index.html')) ||
    !existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))
  ) {
    throw new Error('dist/ is missing: run npm run build first (npm test does)');
  }
  await mkdir(SCREENSHOTS, { recursive: true });
  configHome = await mkdtemp(join(tmpdir(), 'lapse-ui-test-'));
  api = await startTestServer({ companies: 300, today: TODAY, now: () => NOW });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  for (const ui of processes) await ui.stop();
  await api?.close();
  if (configHome) await rm(configHome, { recursive: true, force: true });
});

describe('lapse ui with a Reseller credential', () => {
  let ui: UiProcess;
  beforeAll(async () => {
    ui = await startUi(api.baseUrl, api.credentials.reseller);
  });

  it('shows in the Expired view exactly the companies SQL finds expired below the reseller', async () => {
    const expected = expiredFacts();
    expect(expected.length).toBeGreaterThan(10);
    const page = await openDashboard(ui.url);
    await page.locator('.figure-value .placeholder').first().waitFor({ state: 'detached' });
    await page.screenshot({ path: join(SCREENSHOTS, 'expired.png'), fullPage: true });
    await settle(page, () => page.getByLabel('Rows per page').selectOption('10'));
    const ids = await allTableIds(page);
    expect(ids.length).toBe(new Set(ids).size);
    expect(sorted(ids)).toEqual(sorted(expected.map((fact) => fact.id)));
    await expect(page.locator('[data-figure="Expired now"]').textContent()).resolves.toBe(String(expected.length));
    await page.close();
  });

  it('narrows the rows to a text search, and the CSV download holds exactly those rows', async () => {
    const expected = expiredFacts();
    const needle = (expected[0]?.name ?? '').slice(1, 5).toLowerCase();
    const matching = expected.filter((fact) => `${fact.name}\n${fact.reseller ?? ''}`.toLowerCase().includes(needle));
    const page = await openDashboard(ui.url);
    await settle(page, () => page.getByLabel('Rows per page').selectOption('250'));
    await settle(page, () => page.getByLabel('Search').fill(needle));
    const ids = await tableIds(page);
    expect(sorted(ids)).toEqual(sorted(matching.map((fact) => fact.id)));
    expect(ids.length).toBeLessThan(expected.length);
    await page.screenshot({ path: join(SCREENSHOTS, 'expired-search.png'), fullPage: true });
    await expect(downloadCsvIds(page)).resolves.toEqual(ids);
    await page.close();
  });

  it('narrows the rows to one reseller, and the CSV and Excel downloads hold exactly those rows, all pages', async () => {
    const expected = expiredFacts();
    const counts = new Map<string, number>();
    for (const fact of expected) if (fact.reseller) counts.set(fact.reseller, (counts.get(fact.reseller) ?? 0) + 1);
    const [reseller] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [''];
    const matching = expected.filter((fact) => fact.reseller === reseller).map((fact) => fact.id);
    const page = await openDashboard(ui.url);
    await settle(page, () => page.getByLabel('Reseller').selectOption(reseller));
    const shown = await allTableIds(page);
    expect(sorted(shown)).toEqual(sorted(matching));
    const downloaded = await downloadCsvIds(page);
    expect(sorted(downloaded)).toEqual(sorted(matching));
    await expect(downloadXlsxIds(page)).resolves.toEqual(downloaded);
    await page.close();
  });

  it('draws the renewals chart with visible bars for lapsed and coming renewals', async () => {
    const page = await openDashboard(ui.url);
    const bars = page.locator('svg.renewals-chart rect.bar');
    await bars.first().waitFor();
    expect(await page.locator('svg.renewals-chart rect.bar-lapsed').count()).toBeGreaterThan(0);
    expect(await page.locator('svg.renewals-chart rect.bar-upcoming').count()).toBeGreaterThan(0);
    const sizes = await bars.evaluateAll((rects) => rects.map((rect) => rect.getBoundingClientRect()));
    for (const size of sizes) {
      expect(size.width).toBeGreaterThan(0);
      expect(size.height).toBeGreaterThan(0);
    }
    await page.locator('.chart-card').screenshot({ path: join(SCREENSHOTS, 'chart.png') });
    await page.close();
  });

  it('lists renewals within 30 days and the companies over their licence limit, as SQL finds them', async () => {
    const page = await openDashboard(ui.url);
    await settle(page, () => page.getByLabel('Rows per page').selectOption('250'));
    await settle(page, () => page.getByRole('tab', { name: /Renewing/ }).click());
    const start = dayStartUtc(TODAY);
    const renewing = queryCompanies(
      api.credentials.reseller,
      `license_end_at >= ${start} AND license_end_at < ${start + 31 * 86_400_000}`,
    );
    expect(sorted(await tableIds(page))).toEqual(sorted(renewing.map((fact) => fact.id)));
    await page.screenshot({ path: join(SCREENSHOTS, 'renewing.png'), fullPage: true });
    await settle(page, () => page.getByRole('tab', { name: /Over licence limit/ }).click());
    const overLimit = queryCompanies(
      api.credentials.reseller,
      'is_number_of_users_limited = 1 AND target_user_count > number_of_users',
    );
    expect(sorted(await tableIds(page))).toEqual(sorted(overLimit.map((fact) => fact.id)));
    await page.screenshot({ path: join(SCREENSHOTS, 'over-limit.png'), fullPage: true });
    await page.close();
  });

  it('stays usable by keyboard and on a narrow window', async () => {
    const page = await openDashboard(ui.url, { width: 390, height: 844 });
    await page.getByRole('tab', { name: /Expired/ }).focus();
    await settle(page, () => page.keyboard.press('ArrowRight'));
    await expect(page.getByRole('tab', { name: /Renewing/ }).getAttribute('aria-selected')).resolves.toBe('true');
    const sortByCompany = page.getByRole('button', { name: /^Company/ });
    await sortByCompany.focus();
    await settle(page, () => page.keyboard.press('Enter'));
    await expect(page.locator('th[aria-sort] .sort-button').textContent()).resolves.toMatch(/^Company/);
    await page.screenshot({ path: join(SCREENSHOTS, 'narrow.png'), fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.close();
  });

  it('runs under its CSP without errors, keeps the client secret out of the page and answers only its own host name', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // A Content-Security-Policy violation or a script error shows up as a console error.
    const consoleErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => consoleErrors.push(error.message));
    await settle(page, () => page.goto(ui.url));
    await page.locator('svg.renewals-chart').waitFor();
    expect(consoleErrors).toEqual([]);
    // Only the page's own origin may drop the cached listings.
    await expect(page.evaluate(() => fetch('/ui-api/refresh', { method: 'POST' }).then((r) => r.status))).resolves.toBe(
      204,
    );
    expect(
      (await fetch(`${ui.url}ui-api/refresh`, { method: 'POST', headers: { origin: 'http://attacker.example' } }))
        .status,
    ).toBe(403);
    const session = await page.evaluate(() => fetch('/ui-api/session').then((r) => r.text()));
    expect(session).not.toContain(api.credentials.reseller.clientSecret);
    expect(await page.content()).not.toContain(api.credentials.reseller.clientSecret);
    await page.close();
    const { port } = new URL(ui.url);
    const status = await new Promise<number | undefined>((resolve, reject) => {
      request(
        { host: '127.0.0.1', port, path: '/ui-api/session', headers: { host: `attacker.example:${port}` } },
        (r) => {
          r.resume();
          resolve(r.statusCode);
        },
      )
        .on('error', reject)
        .end();
    });
    expect(status).toBe(421);
    const index = await fetch(ui.url);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
  });
});

describe('lapse ui error states', () => {
  async function expectError(ui: UiProcess, kind: string, message: RegExp, screenshot: string) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(ui.url);
    const panel = page.locator(`[role="alert"][data-error-kind="${kind}"]`);
    await panel.waitFor({ timeout: 45_000 });
    await expect(panel.textContent()).resolves.toMatch(message);
    await page.screenshot({ path: join(SCREENSHOTS, screenshot), fullPage: true });
    await page.close();
  }

  // A wrong secret stops lapse ui before it prints a URL (test/cli-terminal.test.ts); a credential disabled while
  // the dashboard runs is refused on the page.
  it('says the credential was refused when it is disabled while the dashboard runs', async () => {
    const credential = await api.addCredential(api.credentials.reseller.companyResourceId, 'Reseller');
    const ui = await startUi(api.baseUrl, credential);
    await disableCredential(api.storage.db, credential.clientId);
    await expectError(ui, 'auth', /refused the credential/, 'error-auth.png');
  });

  it('says a Reseller credential is needed when given a Company Admin credential', async () => {
    const ui = await startUi(api.baseUrl, api.credentials.companyAdmin);
    await expectError(ui, 'forbidden', /Reseller credential/, 'error-forbidden.png');
  });

  it('says the API is unreachable when nothing listens at the base URL', async () => {
    const ui = await startUi(`http://127.0.0.1:${await closedPort()}`, api.credentials.reseller);
    await expectError(ui, 'unreachable', /unreachable/, 'error-unreachable.png');
  }, 90_000);
});
