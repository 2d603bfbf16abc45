// The built `lapse` command line in a process of its own, with a clean environment (nothing from the machine
// running the tests) and the given variables. Needs `npm run build`.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../bin/lapse.js', import.meta.url));
const BUILT_CLI = fileURLToPath(new URL('../../dist/src/cli/lapse.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

function cleanEnvironment(home: string, env: Record<string, string>): Record<string, string> {
  if (!existsSync(BUILT_CLI)) throw new Error('bin/lapse.js needs the build: run `npm run build` first');
  return { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: `${home}/xdg-config`, ...env };
}

export function runCli(args: string[], home: string, env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: cleanEnvironment(home, env), maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The same, started and left running: for a test that kills it. */
export function spawnCli(args: string[], home: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { env: cleanEnvironment(home, env), stdio: 'ignore' });
}

/** The variables that run the CLI as the test server's reseller (at `baseUrl`: the server's own, or a proxy's). */
export function resellerEnvironment(
  server: { baseUrl: string; credentials: { reseller: { clientId: string; clientSecret: string } } },
  extra: Record<string, string>,
  baseUrl = server.baseUrl,
): Record<string, string> {
  return {
    LAPSE_BASE_URL: baseUrl,
    LAPSE_CLIENT_ID: server.credentials.reseller.clientId,
    LAPSE_CLIENT_SECRET: server.credentials.reseller.clientSecret,
    ...extra,
  };
}
