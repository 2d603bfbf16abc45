// The dashboard as a user starts it: the built `lapse ui` in a process of its own (needs `npm run build`), and the
// Chromium the browser tests drive it with.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium } from 'playwright-core';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface UiProcess {
  url: string;
  stop(): Promise<void>;
}

export function assertDashboardBuilt(): void {
  if (
    !existsSync(join(ROOT, 'dist', 'web', 'index.html')) ||
    !existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))
  ) {
    throw new Error('dist/ is missing: run npm run build first (npm test does)');
  }
}

/** Starts `lapse ui --port 0 …args` with only `env` (and PATH) and resolves to the URL it prints. */
export async function startUiProcess(env: Record<string, string>, args: string[] = []): Promise<UiProcess> {
  const child: ChildProcess = spawn(process.execPath, [join(ROOT, 'bin', 'lapse.js'), 'ui', '--port', '0', ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
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
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}
