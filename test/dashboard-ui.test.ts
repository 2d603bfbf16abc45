// The dashboard end to end: the real API server over a seeded SQLite database, the real `lapse ui` process
// (bin/lapse.js, built by `npm run build`), and Chromium driving the page. Truth comes from SQL on the database.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addDays,
  dayOf,
  dayStartUtc,
  firstDayOfMonth,
  lastDayOfMonth,
  monthOf,
  shiftMonth,
} from '../src/contract/index.js';
import { disableCredential } from '../src/server/admin/index.js';
import { closedLoopbackPort } from './support/closed-port.js';
import { assertDashboardBuilt, launchChromium, startUiProcess, type UiProcess } from './support/dashboard-process.js';
import { runToEnd } from './support/run-to-end.js';
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

let api: TestServer;
let browser: Browser;
let configHome: string;
const processes: UiProcess[] = [];

/** Starts `lapse ui --port 0` with a credential and returns the URL it prints. */
async function startUi(baseUrl: string, credential: TestCredential): Promise<UiProcess> {
  const ui = await startUiProcess({
    HOME: configHome,
    XDG_CONFIG_HOME: configHome,
    LAPSE_BASE_URL: baseUrl,
    LAPSE_CLIENT_ID: credential.clientId,
    LAPSE_CLIENT_SECRET: credential.clientSecret,
    LAPSE_NOW: new Date(NOW).toISOString(),
  });
  processes.push(ui);
  return ui;
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

/** Any read of the test database, for truths queryCompanies does not cover. */
function readDatabase<T>(sql: string, ...parameters: unknown[]): T[] {
  const db = new Database(api.databaseLocation, { readonly: true });
  try {
    return db.prepare(sql).all(...parameters) as T[];
  } finally {
    db.close();
  }
}

/** Companies below the reseller whose renewal day is in [first, last] (either end open), by SQL. */
const renewingBetween = (first: string | undefined, last: string | undefined) =>
  queryCompanies(
    api.credentials.reseller,
    [
      'license_end_at IS NOT NULL',
      ...(first ? [`license_end_at >= ${dayStartUtc(first)}`] : []),
      ...(last ? [`license_end_at < ${dayStartUtc(addDays(last, 1))}`] : []),
    ].join(' AND '),
  );

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

async function pageCount(page: Page): Promise<string> {
  return ((await page.locator('.pager-page').textContent()) ?? '').replace(/^Page \d+ of /, '');
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
  assertDashboardBuilt();
  await mkdir(SCREENSHOTS, { recursive: true });
  configHome = await mkdtemp(join(tmpdir(), 'lapse-ui-test-'));
  api = await startTestServer({ companies: 300, today: TODAY, now: () => NOW });
  browser = await launchChromium();
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
    // Any error panel, then its kind: a wrong one fails here with the kind shown, not as a wait that never ends.
    const panel = page.locator('[role="alert"][data-error-kind]');
    await panel.waitFor({ timeout: 45_000 });
    await expect(panel.getAttribute('data-error-kind')).resolves.toBe(kind);
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
    const ui = await startUi(`http://127.0.0.1:${await closedLoopbackPort()}`, api.credentials.reseller);
    await expectError(ui, 'unreachable', /unreachable/, 'error-unreachable.png');
  }, 90_000);
});

describe('lapse ui: the address, the chart, the ageing buckets, the details and the layout', () => {
  let ui: UiProcess;
  const reseller = () => api.credentials.reseller;
  beforeAll(async () => {
    ui = await startUi(api.baseUrl, reseller());
  });

  /** Opens the page at a query string and waits for its table and figures. */
  async function openAt(query: string, viewport = { width: 1280, height: 800 }): Promise<Page> {
    const page = await openDashboard(`${ui.url}${query}`, viewport);
    await page.locator('.figure-value .placeholder').first().waitFor({ state: 'detached' });
    return page;
  }

  const query = (page: Page) => new URL(page.url()).searchParams;

  it('keeps the view, filters, order and page in the address: reload and Back bring them again', async () => {
    const page = await openAt('');
    await settle(page, () => page.getByRole('tab', { name: /Renewing/ }).click());
    await settle(page, () => page.getByLabel('Renewing within').selectOption('365'));
    await settle(page, () => page.getByLabel('Rows per page').selectOption('10'));
    await settle(page, () => page.getByRole('button', { name: /^Company/ }).click());
    await settle(page, () => page.getByRole('button', { name: 'Next ›' }).click());
    expect(Object.fromEntries(query(page))).toEqual({
      view: 'renewing',
      within: '365',
      sort: 'companyName',
      dir: 'asc',
      page: '2',
      pageSize: '10',
    });
    const shown = await tableIds(page);
    expect(shown).toHaveLength(10);
    await settle(page, () => page.reload());
    expect(await tableIds(page)).toEqual(shown);
    await expect(page.getByRole('tab', { name: /Renewing/ }).getAttribute('aria-selected')).resolves.toBe('true');
    await expect(page.getByLabel('Renewing within').inputValue()).resolves.toBe('365');
    await expect(page.locator('th[aria-sort="ascending"]').textContent()).resolves.toMatch(/^Company/);
    await expect(page.locator('.pager-page').textContent()).resolves.toBe(`Page 2 of ${await pageCount(page)}`);
    // Back: page 1 of the same order, then the view's own order.
    await settle(page, () => page.goBack());
    expect(query(page).get('page')).toBeNull();
    await expect(page.locator('.pager-page').textContent()).resolves.toMatch(/^Page 1 of/);
    await settle(page, () => page.goBack());
    expect(query(page).get('sort')).toBeNull();
    await expect(page.locator('th[aria-sort="ascending"]').textContent()).resolves.toMatch(/^Renewal date/);
    // An address written by hand: a text search and a reseller, in the over-limit view ordered by target users.
    const over = queryCompanies(reseller(), 'is_number_of_users_limited = 1 AND target_user_count > number_of_users');
    const name = over.find((fact) => fact.reseller)?.reseller ?? '';
    const typed = await openAt(
      `?view=over-limit&reseller=${encodeURIComponent(name)}&sort=targetUserCount&dir=desc&pageSize=250`,
    );
    await expect(typed.getByLabel('Reseller').inputValue()).resolves.toBe(name);
    expect(sorted(await tableIds(typed))).toEqual(sorted(over.filter((f) => f.reseller === name).map((f) => f.id)));
    await typed.close();
    await page.close();
  });

  it('lists by default in the order the CLI prints (lapse expired, renewals, over-limit)', async () => {
    const env = {
      ...process.env,
      HOME: configHome,
      XDG_CONFIG_HOME: configHome,
      LAPSE_BASE_URL: api.baseUrl,
      LAPSE_CLIENT_ID: reseller().clientId,
      LAPSE_CLIENT_SECRET: reseller().clientSecret,
      LAPSE_NOW: new Date(NOW).toISOString(),
    };
    // Not spawnSync: the API server runs in this process and must keep answering.
    const cliIds = async (args: string[]) => {
      const run = await runToEnd(process.execPath, [join(ROOT, 'bin', 'lapse.js'), ...args, '--format', 'json'], {
        env,
      });
      expect(run.code, run.stderr).toBe(0);
      return (JSON.parse(run.stdout) as { companies: { companyResourceId: string }[] }).companies.map(
        (company) => company.companyResourceId,
      );
    };
    for (const [view, args] of [
      ['expired', ['expired']],
      ['renewing', ['renewals', '--within', '30d']],
      ['over-limit', ['over-limit']],
    ] as const) {
      const page = await openAt(`?view=${view}&pageSize=250`);
      const expected = await cliIds([...args]);
      expect(expected.length, view).toBeGreaterThan(1);
      expect(await tableIds(page), view).toEqual(expected);
      await page.close();
    }
  }, 120_000);

  it('keeps the table header in view while the rows scroll', async () => {
    const page = await openAt('?pageSize=250', { width: 1440, height: 600 });
    const wrap = page.locator('.table-wrap');
    await wrap.evaluate((element) => {
      element.scrollTop = 1_000;
    });
    expect(await wrap.evaluate((element) => element.scrollTop)).toBeGreaterThan(200);
    const [wrapBox, headerBox] = await Promise.all([
      wrap.boundingBox(),
      page.locator('table.companies thead th').first().boundingBox(),
    ]);
    expect(Math.abs((headerBox?.y ?? -99) - (wrapBox?.y ?? 0))).toBeLessThanOrEqual(2);
    // What is drawn at the header's place is the header, not a row scrolled under it.
    const onTop = await page.evaluate(
      ([x, y]) => document.elementFromPoint(x as number, y as number)?.closest('thead') !== null,
      [(headerBox?.x ?? 0) + 20, (headerBox?.y ?? 0) + 10],
    );
    expect(onTop).toBe(true);
    await page.screenshot({ path: join(SCREENSHOTS, 'sticky-header.png') });
    await page.close();
  });

  it('filters the table to a chart bar: a lapsed month, the older lapses, a month coming up', async () => {
    const page = await openAt('?pageSize=250');
    const firstMonth = shiftMonth(monthOf(TODAY), -11);
    const lapsed = page.locator('rect.bar-lapsed[data-view="expired"]');
    const month = (await lapsed.first().getAttribute('data-month')) ?? '';
    await settle(page, () => lapsed.first().click());
    expect(Object.fromEntries(query(page))).toMatchObject({ month, pageSize: '250' });
    const inMonth = renewingBetween(
      firstDayOfMonth(month),
      lastDayOfMonth(month) < TODAY ? lastDayOfMonth(month) : addDays(TODAY, -1),
    );
    expect(sorted(await tableIds(page))).toEqual(sorted(inMonth.map((fact) => fact.id)));
    await expect(page.locator('[data-range]').textContent()).resolves.toMatch(/^Renewal month/);
    await expect(lapsed.first().getAttribute('aria-pressed')).resolves.toBe('true');

    await settle(page, () => page.locator('rect.bar-older').click());
    const older = renewingBetween(undefined, addDays(firstDayOfMonth(firstMonth), -1));
    expect(older.length).toBeGreaterThan(0);
    expect(query(page).get('month')).toBe('older');
    expect(sorted(await tableIds(page))).toEqual(sorted(older.map((fact) => fact.id)));
    await expect(page.locator('.tab-expired .tab-count').textContent()).resolves.toBe(String(expiredFacts().length));
    await page.locator('.chart-card').screenshot({ path: join(SCREENSHOTS, 'chart-older-selected.png') });

    const upcoming = page.locator('rect.bar-upcoming').nth(4);
    const ahead = (await upcoming.getAttribute('data-month')) ?? '';
    await settle(page, () => upcoming.click());
    expect(Object.fromEntries(query(page))).toMatchObject({ view: 'renewing', month: ahead });
    const comingUp = renewingBetween(firstDayOfMonth(ahead), lastDayOfMonth(ahead));
    expect(comingUp.length).toBeGreaterThan(0);
    expect(sorted(await tableIds(page))).toEqual(sorted(comingUp.map((fact) => fact.id)));
    // The same bar again shows the whole view.
    await settle(page, () => page.locator(`rect.bar-upcoming[data-month="${ahead}"]`).click());
    expect(query(page).get('month')).toBeNull();
    await page.close();
  });

  it('filters the table to an ageing bucket: overdue 31–60 days, due in 8–30 days', async () => {
    const page = await openAt('?pageSize=250');
    const cases = [
      { bucket: 'overdue-31-60', view: 'expired', first: addDays(TODAY, -60), last: addDays(TODAY, -31) },
      { bucket: 'overdue-90-plus', view: 'expired', first: undefined, last: addDays(TODAY, -91) },
      { bucket: 'due-8-30', view: 'renewing', first: addDays(TODAY, 8), last: addDays(TODAY, 30) },
    ];
    for (const { bucket, view, first, last } of cases) {
      const expected = renewingBetween(first, last).map((fact) => fact.id);
      const button = page.locator(`[data-bucket="${bucket}"]`);
      await expect(button.locator('.ageing-count').textContent()).resolves.toBe(String(expected.length));
      await settle(page, () => button.click());
      expect(Object.fromEntries(query(page))).toMatchObject({ age: bucket, ...(view === 'renewing' && { view }) });
      expect(sorted(await tableIds(page)), bucket).toEqual(sorted(expected));
      await expect(button.getAttribute('aria-pressed')).resolves.toBe('true');
    }
    await page.locator('.ageing-card').screenshot({ path: join(SCREENSHOTS, 'ageing.png') });
    await settle(page, () => page.getByRole('button', { name: /^Show all/ }).click());
    expect(query(page).get('age')).toBeNull();
    await page.close();
  });

  it('opens a company in a drawer with every field of its CompanyDto and the companies above it', async () => {
    type Row = {
      resource_id: string;
      name: string;
      path: string;
      license_start_at: number;
      license_end_at: number;
      number_of_users: number;
      is_number_of_users_limited: number;
      time_zone_id: string | null;
      tags: string;
    };
    // The deepest expired company, so the chain above it has links in it.
    const ids = new Set(expiredFacts().map((fact) => fact.id));
    const row = readDatabase<Row>('SELECT * FROM companies ORDER BY length(path) DESC, resource_id')
      .filter((candidate) => ids.has(candidate.resource_id))
      .at(0) as Row;
    const page = await openAt('?pageSize=250');
    await page.locator(`tr[data-company-id="${row.resource_id}"] td`).nth(2).click();
    const drawer = page.getByRole('dialog');
    await drawer.locator('.detail-list').waitFor();
    expect(query(page).get('company')).toBe(row.resource_id);
    await expect(drawer.locator('#drawer-title').textContent()).resolves.toBe(row.name);
    const detail = async (term: string) =>
      drawer
        .locator('.detail-row')
        .filter({ has: page.locator('dt', { hasText: new RegExp(`^${term}$`) }) })
        .locator('dd')
        .textContent();
    const day = (ms: number) => {
      const d = new Date(ms);
      return `${d.getUTCDate()} ${d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${d.getUTCFullYear()}`;
    };
    await expect(detail('Resource id')).resolves.toBe(row.resource_id);
    await expect(detail('Licence start')).resolves.toBe(day(row.license_start_at));
    await expect(detail('Licence end \\(renewal\\)')).resolves.toBe(day(row.license_end_at));
    await expect(detail('Licence limit')).resolves.toBe(
      row.is_number_of_users_limited ? row.number_of_users.toLocaleString('en') : 'Unlimited',
    );
    await expect(detail('Time zone')).resolves.toBe(row.time_zone_id ?? '—');
    const tags = JSON.parse(row.tags) as string[];
    await expect(drawer.locator('.tag').allTextContents()).resolves.toEqual(tags);
    for (const term of [
      'Licence type',
      'Licence period',
      'Status',
      'Target users',
      'Modules',
      'Country',
      'Parent id',
    ]) {
      await expect(detail(term), term).resolves.toMatch(/\S/);
    }
    // contract §3: the credential sees the companies below its own; the chain runs from there to the parent.
    const own = readDatabase<{ path: string }>(
      'SELECT path FROM companies WHERE resource_id = ?',
      reseller().companyResourceId,
    )[0];
    const above = row.path
      .slice((own?.path ?? '').length)
      .split('/')
      .filter(Boolean)
      .slice(0, -1);
    expect(above.length).toBeGreaterThan(0);
    await expect(
      drawer.locator('[data-parent]').evaluateAll((items) => items.map((i) => i.getAttribute('data-parent'))),
    ).resolves.toEqual(above);
    await page.screenshot({ path: join(SCREENSHOTS, 'drawer-1440.png') });
    // The address holds the drawer too; Escape closes it.
    await settle(page, () => page.reload());
    await page.getByRole('dialog').locator('.detail-list').waitFor();
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog').count()).resolves.toBe(0);
    expect(query(page).get('company')).toBeNull();
    await page.close();
  });

  it('agrees on one count with a reseller chosen: the key figure, the tab and SQL', async () => {
    const expected = expiredFacts();
    const counts = new Map<string, number>();
    for (const fact of expected) if (fact.reseller) counts.set(fact.reseller, (counts.get(fact.reseller) ?? 0) + 1);
    const [name, count] = [...counts].sort((a, b) => b[1] - a[1])[1] ?? ['', 0];
    const page = await openAt('');
    await settle(page, () => page.getByLabel('Reseller').selectOption(name));
    await page.locator('.figure-value .placeholder').first().waitFor({ state: 'detached' });
    await expect(page.locator('[data-figure="Expired now"]').textContent()).resolves.toBe(String(count));
    await expect(page.locator('.tab-expired .tab-count').textContent()).resolves.toBe(String(count));
    await expect(page.locator('.tab-renewing .tab-count').textContent()).resolves.toBe(
      await page.locator('[data-figure="Renewing in 30 days"]').textContent(),
    );
    // The text search narrows the rows, not the tab.
    await settle(page, () => page.getByLabel('Search').fill('zzzz-no-such-company'));
    await expect(page.locator('.tab-expired .tab-count').textContent()).resolves.toBe(String(count));
    await page.close();
  });

  it('names the as-of day in the key figure when it is not today, and writes every day one way', async () => {
    const asOf = addDays(TODAY, -30);
    const page = await openAt(`?asOf=${asOf}`);
    const label = page.locator('.figure-overdue .figure-label').first();
    const written = (day: string) => {
      const d = new Date(`${day}T00:00:00Z`);
      return `${d.getUTCDate()} ${d.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${d.getUTCFullYear()}`;
    };
    await expect(label.textContent()).resolves.toBe(`Expired on ${written(asOf)}`);
    await expect(page.locator('.date-text').textContent()).resolves.toBe(written(asOf));
    // No YYYY-MM-DD, no 03/09/2026: every day on screen reads "9 Mar 2026".
    const text = (await page.locator('body').textContent()) ?? '';
    expect(text).not.toMatch(/\b\d{4}-\d{2}-\d{2}\b/);
    expect(text).not.toMatch(/\b\d{1,2}\/\d{1,2}\/\d{2,4}\b/);
    expect(text).toContain(`As of ${written(asOf)}`);
    await settle(page, () => page.getByRole('button', { name: 'Today' }).click());
    await expect(label.textContent()).resolves.toBe('Expired now');
    await page.close();
  });

  it('fits every view at 1440 and 1024 px, nothing cut off (screenshots of each)', async () => {
    for (const width of [1440, 1024]) {
      for (const view of ['expired', 'renewing', 'over-limit'] as const) {
        const page = await openAt(`?view=${view}`, { width, height: 900 });
        const sizes = await page.evaluate(() => {
          const wrap = document.querySelector('.table-wrap') as HTMLElement;
          const headers = [...document.querySelectorAll('table.companies th')].map(
            (th) => th.getBoundingClientRect().right,
          );
          return {
            page: document.documentElement.scrollWidth - window.innerWidth,
            table: wrap.scrollWidth - wrap.clientWidth,
            lastHeader: Math.max(...headers) - wrap.getBoundingClientRect().right,
          };
        });
        for (const [name, overflow] of Object.entries(sizes)) {
          expect(overflow, `${name} overflow of ${view} at ${width} px`).toBeLessThanOrEqual(0);
        }
        await page.screenshot({ path: join(SCREENSHOTS, `${view}-${width}.png`), fullPage: true });
        await page.close();
      }
    }
  });

  it('renews a company from its drawer: shows the plan, asks, writes, and the view no longer lists it', async () => {
    const expired = new Set(expiredFacts().map((fact) => fact.id));
    const storedEnd = (id: string) =>
      readDatabase<{ end: number }>('SELECT license_end_at AS end FROM companies WHERE resource_id = ?', id)[0]?.end;
    const [id] = readDatabase<{ id: string }>(
      `SELECT resource_id AS id FROM companies WHERE license_period_type_resource_id = 'period1Year0' ORDER BY resource_id`,
    )
      .map((row) => row.id)
      .filter((candidate) => expired.has(candidate));
    if (id === undefined) throw new Error('the seed has no expired 1 Year licence below the reseller');
    const before = storedEnd(id) as number;
    const page = await openAt(`?pageSize=250&company=${id}`);
    const drawer = page.getByRole('dialog');
    const plan = drawer.locator('.renew-plan');
    await plan.waitFor();
    // Expired: a year from today, not from the lapsed renewal date.
    const renewed = addDays(TODAY, 365);
    await expect(plan.getAttribute('data-old')).resolves.toBe(dayOf(before));
    await expect(plan.getAttribute('data-new')).resolves.toBe(renewed);

    // A chosen day replaces the plan; Cancel writes nothing.
    await drawer.getByLabel('New renewal date').fill(addDays(TODAY, 50));
    await drawer.locator(`.renew-plan[data-new="${addDays(TODAY, 50)}"]`).waitFor();
    await drawer.getByRole('button', { name: 'Renew…' }).click();
    await drawer.getByRole('button', { name: 'Cancel' }).click();
    expect(storedEnd(id)).toBe(before);
    await drawer.getByLabel('New renewal date').fill('');
    await drawer.locator(`.renew-plan[data-new="${renewed}"]`).waitFor();

    await drawer.getByRole('button', { name: 'Renew…' }).click();
    await expect(drawer.locator('.renew-confirm').textContent()).resolves.toContain('as the renewal date of');
    expect(storedEnd(id)).toBe(before);
    await page.screenshot({ path: join(SCREENSHOTS, 'drawer-renew-1280.png') });
    await settle(page, () => drawer.getByRole('button', { name: 'Confirm renewal' }).click());
    await page.locator(`tr[data-company-id="${id}"]`).waitFor({ state: 'detached' });
    expect(storedEnd(id)).toBe(dayStartUtc(renewed));
    const renewalRow = drawer.locator('.detail-row').filter({ has: page.locator('dt', { hasText: 'Licence end' }) });
    await expect(renewalRow.locator('dd').textContent()).resolves.toMatch(new RegExp(`^${Number(renewed.slice(8))} `));

    // The write is this page's alone: no other origin, and no day before today.
    const path = `ui-api/companies/${id}/renewal`;
    const foreign = await fetch(`${ui.url}${path}?newRenewalDate=${addDays(TODAY, 9)}`, {
      method: 'POST',
      headers: { origin: 'http://attacker.example', 'x-lapse-dashboard': '1' },
    });
    expect(foreign.status).toBe(403);
    const headerOnly = await fetch(`${ui.url}${path}?newRenewalDate=${addDays(TODAY, 9)}`, {
      method: 'POST',
      headers: { 'x-lapse-dashboard': '1' },
    });
    expect(headerOnly.status).toBe(403);
    const past = await page.evaluate(
      ({ url, day }) =>
        fetch(`${url}?newRenewalDate=${day}`, { method: 'POST', headers: { 'x-lapse-dashboard': '1' } }).then(
          async (r) => ({ status: r.status, body: await r.text() }),
        ),
      { url: `/${path}`, day: addDays(TODAY, -1) },
    );
    expect(past.status).toBe(400);
    expect(past.body).toContain('before today');
    expect(storedEnd(id)).toBe(dayStartUtc(renewed));
    await page.close();
  });
});

describe('lapse ui after the API server went down', () => {
  it('marks the listings it still shows as stale, with their age', async () => {
    // Its address stays unreachable once it is closed: no other server of the suite takes the port.
    const own = await startTestServer({
      companies: 120,
      today: TODAY,
      now: () => NOW,
      port: await closedLoopbackPort(),
    });
    let isClosed = false;
    try {
      const ui = await startUi(own.baseUrl, own.credentials.reseller);
      const page = await openDashboard(ui.url);
      await page.locator('.figure-value .placeholder').first().waitFor({ state: 'detached' });
      await expect(page.locator('.stale-mark').count()).resolves.toBe(0);
      await expect(page.locator('[data-age]').textContent()).resolves.toMatch(/just now|min old/);
      await own.close();
      isClosed = true;
      // Sorting is answered from the kept listing; the page then asks whether the API still answers.
      await settle(page, () => page.getByRole('button', { name: /^Company/ }).click());
      await page.locator('.stale-mark').waitFor({ timeout: 40_000 });
      await expect(page.locator('.stale-banner').textContent()).resolves.toMatch(
        /The API stopped answering at \d\d:\d\d \(http:\/\/127\.0\.0\.1:\d+\)\. What you see was fetched at \d\d:\d\d, (just now|\d+ min old), and may be out of date\./,
      );
      expect(await tableIds(page)).not.toEqual([]);
      await page.screenshot({ path: join(SCREENSHOTS, 'stale.png'), fullPage: true });
      await page.close();
      await ui.stop();
    } finally {
      if (!isClosed) await own.close();
    }
  }, 90_000);
});
