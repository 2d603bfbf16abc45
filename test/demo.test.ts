// `npm run demo` off a terminal (`npm run demo | less`): it says it is stopping, stops the server it started and
// exits 0, after printing the listing's count, day and strategy and the commands to carry on with. Runs the built
// bin/lapse.js, as the demo does (`npm run build` first).
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dayOf } from '../src/contract/index.js';
import { type ProgramRun, runToEnd } from './support/run-to-end.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Runs the demo with its stdout and stderr piped, so neither is a terminal. */
const runDemo = (directory: string) =>
  runToEnd(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'demo.ts')], {
    cwd: ROOT,
    env: { ...process.env, LAPSE_DEMO_DIR: directory },
  });

describe('npm run demo off a terminal', () => {
  let directory: string;
  let run: ProgramRun;
  beforeAll(async () => {
    if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) throw new Error('run npm run build first');
    directory = await mkdtemp(join(tmpdir(), 'lapse-demo-test-'));
    run = await runDemo(directory);
  }, 110_000);
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it('says it is stopping, starts no dashboard and exits 0', () => {
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Not on a terminal[^\n]*stopping the API server/);
    expect(run.stdout).not.toMatch(/Dashboard:/);
    expect(run.stdout).not.toMatch(/press Ctrl-C/);
  });

  it("prints the listing's count, day and strategy", () => {
    const today = dayOf(Date.now());
    expect(run.stdout).toMatch(
      new RegExp(`\\d+ companies · as of ${today} \\(UTC\\) · scope: [^\\n]+\\nstrategy server-filter: `),
    );
    expect(existsSync(join(directory, 'expired.csv'))).toBe(true);
    expect(existsSync(join(directory, 'expired.xlsx'))).toBe(true);
  });

  it('prints the commands to carry on with, and the server it started is gone', async () => {
    const baseUrl = /export LAPSE_BASE_URL=(http:\/\/127\.0\.0\.1:(\d+))\n/.exec(run.stdout);
    expect(baseUrl).not.toBeNull();
    expect(run.stdout).toMatch(/export LAPSE_CLIENT_ID=lapse_\S+\n/);
    expect(run.stdout).toMatch(/export LAPSE_CLIENT_SECRET=\S{20,}\n/);
    expect(run.stdout).toContain(
      `node bin/lapse.js serve --database ${join(directory, 'lapse-demo.db')} --port ${baseUrl?.[2]} &`,
    );
    await expect(fetch(`${baseUrl?.[1]}/openapi.json`)).rejects.toThrow();
  });
});
