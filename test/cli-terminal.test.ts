// The built CLI as a person meets it: `lapse ui` with the client flags and a checked credential, `--open`,
// failures that say what to do (an unreachable server, a base URL ending in /api, a refused flag), and on a
// terminal, retries and listing progress as they happen.
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli, runCli, runCliOnTerminal, spawnCli } from './support/cli-process.js';
import { closedLoopbackPort } from './support/closed-port.js';
import { DATABASE_KINDS } from './support/databases.js';
import { pollUntil } from './support/poll.js';
import { startTestServer, type TestCredential, type TestServer } from './support/test-server.js';

const PINNED_NOW = '2026-03-10T20:00:00Z';
const DASHBOARD_URL = /dashboard on (http:\/\/127\.0\.0\.1:\d+\/?) /;

const envFor = (baseUrl: string, credential: TestCredential): Record<string, string> => ({
  LAPSE_BASE_URL: baseUrl,
  LAPSE_CLIENT_ID: credential.clientId,
  LAPSE_CLIENT_SECRET: credential.clientSecret,
  LAPSE_NOW: PINNED_NOW,
});

let workDir: string;
/** A loopback address nothing listens on (not port 9: fetch refuses it as a "bad port" before connecting). */
let UNREACHABLE: string;

beforeAll(async () => {
  requireBuiltCli();
  workDir = await mkdtemp(join(tmpdir(), 'lapse-cli-terminal-'));
  UNREACHABLE = `http://127.0.0.1:${await closedLoopbackPort()}`;
});

afterAll(() => rm(workDir, { recursive: true, force: true }));

describe('failures a person can act on, without a server', () => {
  const credential = { LAPSE_CLIENT_ID: 'id', LAPSE_CLIENT_SECRET: 'secret', LAPSE_NOW: PINNED_NOW };

  it('names the unreachable address and the setting it came from', async () => {
    const fromEnvironment = await runCli(['expired'], {
      home: workDir,
      env: { ...credential, LAPSE_BASE_URL: UNREACHABLE },
    });
    expect(fromEnvironment).toEqual({
      code: 5,
      stdout: '',
      stderr: `lapse expired: cannot reach ${UNREACHABLE} (LAPSE_BASE_URL): is the server running?\n`,
    });
    const fromFlag = await runCli(['whoami', '--base-url', UNREACHABLE], { home: workDir, env: credential });
    expect(fromFlag.code).toBe(5);
    expect(fromFlag.stderr).toBe(`lapse whoami: cannot reach ${UNREACHABLE} (--base-url): is the server running?\n`);
  });

  it('starts lapse ui while the server cannot be reached, saying so', async () => {
    const ui = spawnCli(['ui', '--port', '0'], { home: workDir, env: { ...credential, LAPSE_BASE_URL: UNREACHABLE } });
    try {
      await ui.waitForStdout(DASHBOARD_URL);
      expect(ui.stderr()).toBe(
        `lapse ui: cannot reach ${UNREACHABLE} (LAPSE_BASE_URL): is the server running?; starting anyway\n`,
      );
    } finally {
      await ui.stop();
    }
  });

  it('shows each retry as it happens on a terminal', async () => {
    const result = await runCliOnTerminal(['expired'], {
      home: workDir,
      env: { ...credential, LAPSE_BASE_URL: UNREACHABLE },
    });
    expect(result.code).toBe(5);
    const lines = result.output.trim().split('\n');
    expect(lines.at(-1)).toBe(`lapse expired: cannot reach ${UNREACHABLE} (LAPSE_BASE_URL): is the server running?`);
    const retries = lines.filter((line) => /; retry \d of 5 in \d+\.\d s$/.test(line));
    expect(retries.length).toBeGreaterThanOrEqual(1);
    expect(retries[0]).toMatch(
      new RegExp(`^cannot reach ${UNREACHABLE} \\(LAPSE_BASE_URL\\): is the server running\\?; retry 1 of 5 in `),
    );
  });

  it('names the credential variables and the config file in the help of every client command', async () => {
    for (const command of ['expired', 'renewals', 'over-limit', 'companies', 'export', 'whoami', 'ui']) {
      const help = await runCli([command, '--help'], { home: workDir });
      expect(help.stdout, command).toMatch(/LAPSE_CLIENT_ID\s+and\s+LAPSE_CLIENT_SECRET/);
      expect(help.stdout, command).toContain('--profile');
    }
  });

  it.each([
    { args: ['expired', '--bogus'], first: "error: unknown option '--bogus'", usage: 'lapse expired [options]' },
    {
      args: ['export', '--format', 'pdf'],
      first: "error: option '--format <format>' argument 'pdf' is invalid. Allowed choices are csv, xlsx.",
      usage: 'lapse export [options] [view]',
    },
    {
      args: ['ui', '--port', 'x'],
      first: "error: option '--port <port>' argument 'x' is invalid. expected a whole number from 0 to 65535",
      usage: 'lapse ui [options]',
    },
  ])(
    'a refused flag of lapse $args.0 prints one line and the usage line, not the whole help',
    async ({ args, first, usage }) => {
      const result = await runCli(args, { home: workDir, env: credential, timeoutMs: 20_000 });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`${first}\nusage: ${usage} (see --help)\n`);
    },
  );
});

describe.each(DATABASE_KINDS)('with a server on %s', (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 300, seed: 11, today: '2026-03-10' });
  }, 180_000);
  afterAll(() => server?.close());

  it('hints at a base URL that ends in /api', async () => {
    const result = await runCli(['expired'], {
      home: workDir,
      env: envFor(`${server.baseUrl}/api`, server.credentials.reseller),
    });
    expect(result.code).toBe(6);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(
      `the base URL ends in /api, which lapse adds itself: set LAPSE_BASE_URL to ${server.baseUrl}`,
    );
  });

  it("shows a listing's progress on a terminal by page and rows read", async () => {
    const output = join(workDir, `progress-${kind}.json`);
    const result = await runCliOnTerminal(['expired', '--page-size', '10', '--format', 'json', '--output', output], {
      home: workDir,
      env: envFor(server.baseUrl, server.credentials.reseller),
    });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/server-filter: page \d+ of \d+, \d+ rows? read/);
    expect(result.output).not.toContain('kept');
    expect(JSON.parse(await readFile(output, 'utf8')).count).toBeGreaterThan(10);
  });

  it('keeps accounts as profiles: lapse config set and list, then --profile', async () => {
    const home = join(workDir, `profiles-${kind}`);
    await mkdir(home);
    const { reseller, subReseller } = server.credentials;
    const run = (args: string[], env: Record<string, string> = {}) =>
      runCli(args, { home, env: { LAPSE_NOW: PINNED_NOW, ...env } });
    expect((await run(['config', 'set', 'baseUrl', server.baseUrl])).code).toBe(0);
    for (const [name, credential] of [
      ['main', reseller],
      ['sub', subReseller],
    ] as const) {
      expect((await run(['config', 'set', 'clientId', credential.clientId, '--profile', name])).code).toBe(0);
      const secret = await new Promise<number>((resolve) => {
        const child = spawnCli(['config', 'set', 'clientSecret', '--profile', name], { home, stdin: 'pipe' });
        child.child.stdin?.end(`${credential.clientSecret}\n`);
        void child.exited.then((code) => resolve(code ?? -1));
      });
      expect(secret).toBe(0);
    }
    const file = join(home, 'xdg', 'lapse', 'config.json');
    const list = await run(['config', 'list']);
    expect(list.stdout).toBe(
      `${file}\n(top level)  baseUrl=${server.baseUrl}\n` +
        `main         clientId=${reseller.clientId}  clientSecret=(set)\n` +
        `sub          clientId=${subReseller.clientId}  clientSecret=(set)\n`,
    );
    expect(list.stdout).not.toContain(reseller.clientSecret);
    const whoami = async (args: string[], env: Record<string, string> = {}) =>
      JSON.parse((await run(['whoami', '--format', 'json', ...args], env)).stdout).claims.client_id;
    expect(await whoami(['--profile', 'main'])).toBe(reseller.clientId);
    expect(await whoami([], { LAPSE_PROFILE: 'sub' })).toBe(subReseller.clientId);
    const unchosen = await run(['whoami']);
    expect(unchosen.code).toBe(2);
    expect(unchosen.stderr).toBe(
      `lapse whoami: missing LAPSE_CLIENT_ID, LAPSE_CLIENT_SECRET: set them in the environment or in ${file}, or choose a profile with --profile (main, sub)\n`,
    );
  });

  describe('lapse ui', () => {
    it('takes --base-url, --company and --config, and serves the scoped dashboard', async () => {
      const { reseller, subReseller } = server.credentials;
      const config = join(workDir, `ui-${kind}.json`);
      await writeFile(config, JSON.stringify({ clientId: reseller.clientId, clientSecret: reseller.clientSecret }));
      await chmod(config, 0o600);
      const ui = spawnCli(
        [
          'ui',
          '--port',
          '0',
          '--base-url',
          server.baseUrl,
          '--company',
          subReseller.companyResourceId,
          '--config',
          config,
        ],
        { home: workDir, env: { LAPSE_NOW: PINNED_NOW } },
      );
      try {
        const [, url] = await ui.waitForStdout(DASHBOARD_URL);
        const session = await (
          await fetch(new URL('/ui-api/session', url), { headers: { 'x-lapse-dashboard': '1' } })
        ).json();
        expect(session).toMatchObject({
          baseUrl: server.baseUrl,
          companyId: subReseller.companyResourceId,
          role: 'Reseller',
        });
      } finally {
        await ui.stop();
      }
    });

    it('checks the credential first: a wrong secret is one line and exit 3, and no URL', async () => {
      const result = await runCli(['ui', '--port', '0'], {
        home: workDir,
        env: { ...envFor(server.baseUrl, server.credentials.reseller), LAPSE_CLIENT_SECRET: 'wrong' },
        timeoutMs: 20_000,
      });
      expect(result.code).toBe(3);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^lapse ui: [^\n]+\n$/);
    });

    it('--open hands the URL to xdg-open, and says so when there is none', async () => {
      const bin = join(workDir, `bin-${kind}`);
      const opened = join(workDir, `opened-${kind}.txt`);
      await mkdir(bin);
      await writeFile(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${opened}'\n`);
      await chmod(join(bin, 'xdg-open'), 0o755);
      const env = envFor(server.baseUrl, server.credentials.reseller);
      const ui = spawnCli(['ui', '--port', '0', '--open'], { home: workDir, env: { ...env, PATH: bin } });
      try {
        const [, url] = await ui.waitForStdout(DASHBOARD_URL);
        const handed = await pollUntil(() => readFile(opened, 'utf8').catch(() => undefined), {
          what: 'xdg-open to be called',
          timeoutMs: 10_000,
        });
        expect(handed).toBe(url);
      } finally {
        await ui.stop();
      }
      const empty = join(workDir, `empty-${kind}`);
      await mkdir(empty);
      const without = spawnCli(['ui', '--port', '0', '--open'], { home: workDir, env: { ...env, PATH: empty } });
      try {
        const [, url] = await without.waitForStdout(DASHBOARD_URL);
        await pollUntil(() => (without.stderr().includes('xdg-open') ? true : undefined), {
          what: 'the missing xdg-open to be reported',
          timeoutMs: 10_000,
        });
        expect(without.stderr()).toBe(
          `lapse ui: --open: xdg-open is not installed; open ${url} in a browser yourself\n`,
        );
      } finally {
        await without.stop();
      }
    });
  });
});
