// The dashboard's Changes view, lifecycle states and roll-up, end to end on SQLite and PostgreSQL: the real API
// server, the real `lapse ui` (started with --policy and a history file), snapshots recorded by the real CLI, and
// Chromium driving the page. Every truth is computed from the database rows, with none of lapse's client code.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../src/client/index.js';
import {
  addDays,
  type CalendarDay,
  dayOf,
  type LifecycleState,
  lifecycleOn,
  parseLifecyclePolicy,
} from '../src/contract/index.js';
import { companiesBelow } from './support/companies-below.js';
import { assertDashboardBuilt, launchChromium, startUiProcess, type UiProcess } from './support/dashboard-process.js';
import { DATABASE_KINDS } from './support/databases.js';
import { runCli } from './support/run-cli.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCREENSHOTS = join(ROOT, 'test-results', 'dashboard');
const NOW = Date.now();
const TODAY = dayOf(NOW);
const POLICY_DOCUMENT = { graceDays: 21, leadDays: [60, 14, 0] };
const POLICY = parseLifecyclePolicy(POLICY_DOCUMENT);
const WITHIN = 30;

/** A company as its row is stored. */
interface Stored {
  id: string;
  reseller: string | null;
  licenceType: string | null;
  renewalDay: CalendarDay | null;
  isOver: boolean;
}

async function stored(server: TestServer): Promise<Stored[]> {
  const rows = await companiesBelow(server, server.credentials.reseller.companyResourceId);
  return rows.map((row) => ({
    id: row.resource_id,
    reseller: row.reseller_name,
    licenceType: row.license_type_name,
    renewalDay: row.license_end_at === null ? null : dayOf(Number(row.license_end_at)),
    isOver: Number(row.is_number_of_users_limited) === 1 && Number(row.target_user_count) > Number(row.number_of_users),
  }));
}

const isExpired = (c: Stored, day: CalendarDay) => c.renewalDay !== null && c.renewalDay < day;
const isRenewing = (c: Stored, day: CalendarDay) =>
  c.renewalDay !== null && c.renewalDay >= day && c.renewalDay <= addDays(day, WITHIN);
const stateOf = (c: Stored, day: CalendarDay): LifecycleState =>
  lifecycleOn(c.renewalDay, c.licenceType, day, POLICY).state;

/** The changes from one reading of the rows to the next, each read on its own day, as "kind id" lines. */
function changesBetween(before: Stored[], beforeDay: CalendarDay, after: Stored[], afterDay: CalendarDay): string[] {
  const then = new Map(before.map((c) => [c.id, c]));
  const lines: string[] = [];
  for (const now of after) {
    const old = then.get(now.id);
    if (old === undefined) {
      lines.push(`added ${now.id}`);
      continue;
    }
    const facts: [string, boolean][] = [
      ['newly-expired', isExpired(now, afterDay) && !isExpired(old, beforeDay)],
      ['renewed', old.renewalDay !== null && (now.renewalDay === null || now.renewalDay > old.renewalDay)],
      ['newly-renewing', isRenewing(now, afterDay) && !isRenewing(old, beforeDay)],
      ['newly-over-limit', now.isOver && !old.isOver],
      ['back-under-limit', old.isOver && !now.isOver],
      ['licence-type-changed', old.licenceType !== now.licenceType],
    ];
    for (const [kind, holds] of facts) if (holds) lines.push(`${kind} ${now.id}`);
  }
  const ids = new Set(after.map((c) => c.id));
  for (const old of before) if (!ids.has(old.id)) lines.push(`removed ${old.id}`);
  return lines.sort();
}

const sorted = (values: string[]) => [...values].sort();

let browser: Browser;

beforeAll(async () => {
  assertDashboardBuilt();
  await mkdir(SCREENSHOTS, { recursive: true });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe.each(DATABASE_KINDS)('the dashboard on %s', (kind) => {
  let server: TestServer;
  let ui: UiProcess;
  let home: string;
  let env: Record<string, string>;
  const shot = (name: string) => join(SCREENSHOTS, kind === 'sqlite' ? `${name}.png` : `${name}-${kind}.png`);

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lapse-dashboard-views-'));
    server = await startTestServer({ kind, companies: 240, seed: 31, today: TODAY, now: () => NOW });
    const policyFile = join(home, 'policy.json');
    await writeFile(policyFile, JSON.stringify(POLICY_DOCUMENT));
    env = {
      HOME: home,
      XDG_CONFIG_HOME: join(home, 'xdg-config'),
      LAPSE_BASE_URL: server.baseUrl,
      LAPSE_CLIENT_ID: server.credentials.reseller.clientId,
      LAPSE_CLIENT_SECRET: server.credentials.reseller.clientSecret,
      LAPSE_NOW: new Date(NOW).toISOString(),
      LAPSE_HISTORY: join(home, 'history.sqlite'),
    };
    ui = await startUiProcess(env, ['--policy', policyFile]);
  }, 180_000);

  afterAll(async () => {
    await ui?.stop();
    await server?.close();
    if (home) await rm(home, { recursive: true, force: true });
  });

  /** Runs `action` and waits for the answer of the /ui-api/ request it causes at `path`, and its rendering. */
  async function settle(page: Page, action: () => Promise<unknown>, path = '/ui-api/companies'): Promise<void> {
    const answered = page.waitForResponse((response) => new URL(response.url()).pathname === path);
    await action();
    await answered;
    if (path === '/ui-api/companies') {
      await page.locator('.table-wrap:not(.is-loading)').waitFor();
      await page.locator('.table-status [data-total]').waitFor();
    }
  }

  async function openAt(query: string, width = 1440, path = '/ui-api/companies'): Promise<Page> {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    await settle(page, () => page.goto(`${ui.url}${query}`), path);
    return page;
  }

  const tableIds = (page: Page) =>
    page
      .locator('table.companies tbody tr')
      .evaluateAll((rows) => rows.map((row) => row.getAttribute('data-company-id') ?? ''));
  /** The address's parameters, with the view the page shows when none is named. */
  const query = (page: Page): Record<string, string> => ({
    view: 'expired',
    ...Object.fromEntries(new URL(page.url()).searchParams),
  });
  const uiGet = (path: string) => fetch(`${ui.url}${path}`, { headers: { 'x-lapse-dashboard': '1' } });

  /** Nothing of the page is cut off or wider than the window. */
  async function expectFits(page: Page, label: string) {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow, label).toBeLessThanOrEqual(0);
  }

  describe('Changes', () => {
    const before = { rows: [] as Stored[], day: TODAY };

    it('says there is no snapshot yet, and refuses a bad since in the dashboard error shape', async () => {
      const page = await openAt('?view=changes', 1440, '/ui-api/changes');
      const empty = page.locator('[data-no-snapshot]');
      await empty.waitFor();
      await expect(empty.textContent()).resolves.toMatch(/No snapshot yet.*lapse snapshot/);
      await page.screenshot({ path: shot('changes-empty-1440'), fullPage: true });
      await page.close();
      for (const since of ['yesterday', '2026-02-30', '7w']) {
        const answer = await uiGet(`ui-api/changes?since=${since}`);
        expect(answer.status, since).toBe(400);
        expect(await answer.json()).toMatchObject({
          error: {
            kind: 'invalid',
            message: `since "${since}" is not last, a number of days such as 7d, or a YYYY-MM-DD day`,
          },
        });
      }
    });

    it('lists exactly what changed since the snapshot lapse snapshot recorded, grouped by kind with counts', async () => {
      before.rows = await stored(server);
      const snapshot = await runCli(['snapshot', '--as-of', TODAY, '--format', 'json'], home, env);
      expect(snapshot.code, snapshot.stderr).toBe(0);
      // One company renewed through the API, and "today" moved past the next renewal day of another.
      const expired = before.rows.filter((c) => isExpired(c, TODAY));
      const renewedId = (expired[0] as Stored).id;
      const client = createClient({
        baseUrl: server.baseUrl,
        clientId: server.credentials.reseller.clientId,
        clientSecret: server.credentials.reseller.clientSecret,
      });
      await client.companies.change(renewedId, { LicenseEndDate: addDays(TODAY, 400) });
      const next = before.rows
        .filter((c) => c.id !== renewedId && c.renewalDay !== null && c.renewalDay >= TODAY)
        .map((c) => c.renewalDay as CalendarDay)
        .sort()[0] as CalendarDay;
      const asOf = addDays(next, 1);
      const truth = changesBetween(before.rows, TODAY, await stored(server), asOf);
      expect(truth).toContain(`renewed ${renewedId}`);
      expect(truth.some((line) => line.startsWith('newly-expired '))).toBe(true);

      for (const since of ['last', TODAY]) {
        const page = await openAt(
          `?view=changes&asOf=${asOf}${since === 'last' ? '' : `&since=${since}`}`,
          1440,
          '/ui-api/changes',
        );
        await page.locator('.change-groups').waitFor();
        const shown = await page
          .locator('.change-group li')
          .evaluateAll((items) =>
            items.map(
              (item) =>
                `${item.closest('[data-kind]')?.getAttribute('data-kind')} ${item.getAttribute('data-change-company')}`,
            ),
          );
        expect(sorted(shown), since).toEqual(truth);
        const counts = await page
          .locator('.change-group')
          .evaluateAll((groups) =>
            groups.map((g) => [
              g.getAttribute('data-kind'),
              Number(g.querySelector('[data-kind-count]')?.getAttribute('data-kind-count')),
            ]),
          );
        for (const [changeKind, count] of counts) {
          expect(count, String(changeKind)).toBe(truth.filter((line) => line.startsWith(`${changeKind} `)).length);
        }
        await expect(page.locator('.tab-changes .tab-count').textContent()).resolves.toBe(String(truth.length));
        if (since === 'last') {
          await page.screenshot({ path: shot('changes-1440'), fullPage: true });
          await page.setViewportSize({ width: 1024, height: 900 });
          await expectFits(page, 'changes at 1024 px');
          await page.screenshot({ path: shot('changes-1024'), fullPage: true });
        }
        await page.close();
      }
      // A day chosen on the page that no snapshot is on or before: the view says so, in place.
      const chosen = await openAt(`?view=changes&asOf=${asOf}`, 1440, '/ui-api/changes');
      await chosen.locator('.change-groups').waitFor();
      const dayBefore = addDays(TODAY, -1);
      await settle(
        chosen,
        () => chosen.locator('.since-chooser input[type="date"]').fill(dayBefore),
        '/ui-api/changes',
      );
      expect(query(chosen)).toMatchObject({ view: 'changes', since: dayBefore });
      await expect(chosen.locator('.changes-error[data-error-kind="history"]').textContent()).resolves.toMatch(
        /no snapshot on or before/,
      );
      await chosen.close();
      // Showing the view recorded nothing: still the one snapshot the CLI took.
      const answer = (await (await uiGet(`ui-api/changes?asOf=${asOf}`)).json()) as { snapshotCount: number };
      expect(answer.snapshotCount).toBe(1);
      // A day with no snapshot on or before it is refused in the dashboard's error shape.
      const tooEarly = await uiGet(`ui-api/changes?since=${addDays(TODAY, -400)}`);
      expect(tooEarly.status).toBe(409);
      expect(await tooEarly.json()).toMatchObject({
        error: { kind: 'history', message: expect.stringMatching(/no snapshot on or before/) },
      });

      // Record snapshot keeps the page's day; compared with it, nothing has changed.
      const page = await openAt(`?view=changes&asOf=${asOf}`, 1440, '/ui-api/changes');
      await page.locator('.change-groups').waitFor();
      await settle(page, () => page.locator('[data-record-snapshot]').click(), '/ui-api/changes');
      await expect(page.locator('.recorded-note').textContent()).resolves.toMatch(/Recorded snapshot 2:/);
      await page.locator('.changes-none').waitFor();
      await page.close();
      const foreign = await fetch(`${ui.url}ui-api/snapshot`, {
        method: 'POST',
        headers: { origin: 'http://attacker.example', 'x-lapse-dashboard': '1' },
      });
      expect(foreign.status).toBe(403);
      const after = (await (await uiGet(`ui-api/changes?asOf=${asOf}`)).json()) as { snapshotCount: number };
      expect(after.snapshotCount).toBe(2);
      // The listings lapse ui keeps were read before the renewal: drop them, as the page's Refresh does.
      const refreshed = await fetch(`${ui.url}ui-api/refresh`, {
        method: 'POST',
        headers: { origin: new URL(ui.url).origin, 'x-lapse-dashboard': '1' },
      });
      expect(refreshed.status).toBe(204);
    });
  });

  it('marks every row with its lifecycle state under the policy and filters by state, as lifecycleOn says for the day', async () => {
    const rows = await stored(server);
    const page = await openAt('?pageSize=250');
    const legend = page.locator('.state-legend');
    await expect(legend.locator('.state-badge').count()).resolves.toBe(5);
    await expect(legend.textContent()).resolves.toMatch(/within 60 days.*up to 21 days ago/);
    const marks = await page
      .locator('table.companies tbody tr')
      .evaluateAll((trs) =>
        trs.map(
          (tr) =>
            `${tr.getAttribute('data-company-id')} ${tr.querySelector('[data-state]')?.getAttribute('data-state')}`,
        ),
      );
    const expired = rows.filter((c) => isExpired(c, TODAY));
    expect(sorted(marks)).toEqual(sorted(expired.map((c) => `${c.id} ${stateOf(c, TODAY)}`)));

    for (const [view, state, within] of [
      ['expired', 'in-grace', undefined],
      ['expired', 'lapsed', undefined],
      ['renewing', 'renewing', 90],
      ['renewing', 'active', 90],
    ] as const) {
      const inView = rows.filter((c) =>
        view === 'expired'
          ? isExpired(c, TODAY)
          : c.renewalDay !== null && c.renewalDay >= TODAY && c.renewalDay <= addDays(TODAY, within ?? WITHIN),
      );
      const expected = inView.filter((c) => stateOf(c, TODAY) === state).map((c) => c.id);
      expect(expected.length, `${view} ${state}`).toBeGreaterThan(0);
      const shown = await openAt(`?view=${view}&pageSize=250${within ? `&within=${within}` : ''}`);
      await settle(shown, () => shown.getByRole('combobox', { name: /^Lifecycle/ }).selectOption(state));
      expect(query(shown)).toMatchObject({ state });
      expect(sorted(await tableIds(shown)), `${view} ${state}`).toEqual(sorted(expected));
      // The address holds the filter: a reload shows the same rows.
      await settle(shown, () => shown.reload());
      expect(sorted(await tableIds(shown))).toEqual(sorted(expected));
      if (state === 'renewing') await shown.screenshot({ path: shot('state-renewing-1440'), fullPage: true });
      await shown.close();
    }

    // The drawer names the state on the page's day, with the day it next changes.
    const company = expired.find((c) => stateOf(c, TODAY) === 'in-grace') as Stored;
    await settle(
      page,
      () => page.locator(`tr[data-company-id="${company.id}"] td`).nth(2).click(),
      `/ui-api/companies/${company.id}`,
    );
    const lifecycle = lifecycleOn(company.renewalDay, company.licenceType, TODAY, POLICY);
    const mark = page.locator('.drawer-lifecycle');
    await expect(mark.getAttribute('data-lifecycle')).resolves.toBe('in-grace');
    await expect(mark.textContent()).resolves.toContain('Lapsed from');
    expect(lifecycle.nextState).toBe('lapsed');
    await page.screenshot({ path: shot('drawer-state-1440') });
    await page.close();
  });

  it('sums up what needs attention per reseller, licence type and state, and a row drills down to its companies', async () => {
    const rows = await stored(server);
    const attention = rows.filter((c) => isExpired(c, TODAY) || isRenewing(c, TODAY) || c.isOver);
    const totalsBy = (group: (c: Stored) => string) => {
      const totals = new Map<string, number[]>();
      for (const c of attention) {
        const entry = totals.get(group(c)) ?? [0, 0, 0, 0];
        entry[0] = (entry[0] ?? 0) + 1;
        entry[1] = (entry[1] ?? 0) + Number(isExpired(c, TODAY));
        entry[2] = (entry[2] ?? 0) + Number(isRenewing(c, TODAY));
        entry[3] = (entry[3] ?? 0) + Number(c.isOver);
        totals.set(group(c), entry);
      }
      return Object.fromEntries([...totals].map(([name, entry]) => [name, entry.join(' ')]));
    };
    const shownTotals = (page: Page) =>
      page
        .locator('table.roll-up tbody tr')
        .evaluateAll((trs) =>
          Object.fromEntries(
            trs.map((tr) => [
              tr.getAttribute('data-group'),
              ['companies', 'expired', 'renewing', 'over-limit']
                .map((count) => (tr.querySelector(`[data-count="${count}"]`)?.textContent ?? '').replaceAll(',', ''))
                .join(' '),
            ]),
          ),
        );
    const page = await openAt('?pageSize=250');
    await page.locator('table.roll-up').waitFor();
    await expect(shownTotals(page)).resolves.toEqual(totalsBy((c) => c.reseller ?? '(none)'));
    await page.locator('.roll-up-card').screenshot({ path: shot('roll-up-1440') });

    // A count drills down to its view and its group: the rows are that reseller's expired companies.
    const [reseller] = Object.entries(totalsBy((c) => c.reseller ?? '(none)')).sort(
      (a, b) => Number(b[1].split(' ')[1]) - Number(a[1].split(' ')[1]),
    )[0] as [string, string];
    await settle(page, () => page.locator(`tr[data-group="${reseller}"] [data-count="expired"] button`).click());
    expect(query(page)).toMatchObject({ view: 'expired', reseller });
    const resellerExpired = rows.filter((c) => c.reseller === reseller && isExpired(c, TODAY)).map((c) => c.id);
    expect(sorted(await tableIds(page))).toEqual(sorted(resellerExpired));
    await expect(page.locator('table.roll-up tr.is-open').getAttribute('data-group')).resolves.toBe(reseller);

    // By licence type, under the reseller chosen: a group's name narrows the view shown to its type.
    const ofReseller = rows.filter((c) => c.reseller === reseller);
    await settle(page, () => page.locator('.roll-up-key select').selectOption('licence-type'), '/ui-api/roll-up');
    expect(query(page)).toMatchObject({ groupBy: 'licence-type', reseller });
    const byType = Object.fromEntries(
      Object.entries(totalsBy((c) => c.licenceType ?? '(none)')).filter(([type]) =>
        ofReseller.some((c) => (c.licenceType ?? '(none)') === type && attention.includes(c)),
      ),
    );
    const typeTotals = Object.fromEntries(
      Object.keys(byType).map((type) => {
        const inGroup = attention.filter((c) => c.reseller === reseller && (c.licenceType ?? '(none)') === type);
        return [
          type,
          [
            inGroup.length,
            inGroup.filter((c) => isExpired(c, TODAY)).length,
            inGroup.filter((c) => isRenewing(c, TODAY)).length,
            inGroup.filter((c) => c.isOver).length,
          ].join(' '),
        ];
      }),
    );
    await expect(shownTotals(page)).resolves.toEqual(typeTotals);
    const type = Object.keys(typeTotals).find((name) => name !== '(none)') as string;
    await settle(page, () => page.locator(`tr[data-group="${type}"] .roll-up-group`).click());
    expect(query(page)).toMatchObject({ view: 'expired', reseller, licenceType: type, groupBy: 'licence-type' });
    const narrowed = rows.filter((c) => c.reseller === reseller && c.licenceType === type && isExpired(c, TODAY));
    expect(sorted(await tableIds(page))).toEqual(sorted(narrowed.map((c) => c.id)));
    // Reload and Back: the address holds the drill-down.
    await settle(page, () => page.reload());
    expect(sorted(await tableIds(page))).toEqual(sorted(narrowed.map((c) => c.id)));
    await settle(page, () => page.goBack());
    expect(query(page).licenceType).toBeUndefined();
    expect(sorted(await tableIds(page))).toEqual(sorted(resellerExpired));

    // By state, for the whole tree: the renewing state's Renewing count lists exactly those companies.
    const all = await openAt('?groupBy=state&pageSize=250');
    await all.locator('table.roll-up[data-group-by="state"]').waitFor();
    await expect(shownTotals(all)).resolves.toEqual(totalsBy((c) => stateOf(c, TODAY)));
    await settle(all, () => all.locator('tr[data-group="renewing"] [data-count="renewing"] button').click());
    expect(query(all)).toMatchObject({ view: 'renewing', state: 'renewing', groupBy: 'state' });
    const renewingState = rows.filter((c) => isRenewing(c, TODAY) && stateOf(c, TODAY) === 'renewing');
    expect(sorted(await tableIds(all))).toEqual(sorted(renewingState.map((c) => c.id)));
    await all.setViewportSize({ width: 1024, height: 900 });
    await expectFits(all, 'roll-up at 1024 px');
    await all.locator('.roll-up-card').screenshot({ path: shot('roll-up-1024') });
    await all.screenshot({ path: shot('roll-up-drill-1024'), fullPage: true });
    await all.close();
    await page.close();
  });

  it('marks the companies lapse ack silenced in the table and the drawer: until, note and who', async () => {
    const expired = (await stored(server)).filter((c) => isExpired(c, TODAY));
    const [snoozed, acknowledged] = expired as [Stored, Stored];
    const until = addDays(TODAY, 20);
    const note = 'Promised to pay by the 20th';
    for (const args of [
      ['ack', snoozed.id, '--until', until, '--note', note],
      ['ack', acknowledged.id],
    ]) {
      const run = await runCli(args, home, env);
      expect(run.code, run.stderr).toBe(0);
    }
    const marksOf = (page: Page) =>
      page
        .locator('table.companies tbody tr')
        .evaluateAll((trs) =>
          trs
            .filter((tr) => tr.querySelector('.ack-mark'))
            .map(
              (tr) =>
                `${tr.getAttribute('data-company-id')} ${tr.querySelector('.ack-mark')?.getAttribute('data-ack')}`,
            ),
        );
    const page = await openAt('?pageSize=250');
    expect(sorted(await marksOf(page))).toEqual(sorted([`${snoozed.id} ${until}`, `${acknowledged.id} renewal`]));
    await settle(
      page,
      () => page.locator(`tr[data-company-id="${snoozed.id}"] td`).nth(2).click(),
      `/ui-api/companies/${snoozed.id}`,
    );
    const detail = page.locator('[data-ack-detail]');
    await expect(detail.locator('[data-ack-note]').textContent()).resolves.toBe(note);
    await expect(detail.locator('[data-ack-by]').textContent()).resolves.toContain(
      `client ${server.credentials.reseller.clientId}`,
    );
    await expect(detail.textContent()).resolves.toMatch(/notices silenced until \d{1,2} \w{3} \d{4}\./);
    await page.screenshot({ path: shot('drawer-acknowledged-1440') });
    await page.close();
    // The day after the snooze ends, only the acknowledgement that waits for the renewal date is left.
    const later = await openAt(`?asOf=${addDays(until, 1)}&pageSize=250`);
    expect(await marksOf(later)).toEqual([`${acknowledged.id} renewal`]);
    await later.close();
  });
});

describe('lapse ui with a policy it cannot use', () => {
  it('says so in one line and exits 2 before serving anything', async () => {
    const home = await mkdtemp(join(tmpdir(), 'lapse-ui-policy-'));
    try {
      const policy = join(home, 'policy.json');
      await writeFile(policy, JSON.stringify({ graceDays: 14, grace: 3 }));
      const run = await runCli(['ui', '--port', '0', '--policy', policy], home, {
        LAPSE_BASE_URL: 'http://127.0.0.1:9',
        LAPSE_CLIENT_ID: 'id',
        LAPSE_CLIENT_SECRET: 'secret',
      });
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr.trim().split('\n')).toEqual([expect.stringMatching(/unknown key "grace"/)]);
    } finally {
      await rm(home, { recursive: true, force: true });
    }
  });
});
