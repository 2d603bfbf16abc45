// The built `lapse` CLI (bin/lapse.js, needs `npm run build`) run as a user runs it: in a process of its own, in
// an environment of the test's making (nothing from the machine running the tests), piped or on a terminal.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../..', import.meta.url).pathname;
export const CLI = join(ROOT, 'bin/lapse.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliRun {
  /** HOME, and XDG_CONFIG_HOME below it: where the default config file is looked for. */
  home: string;
  env?: Record<string, string>;
  cwd?: string;
  /** A command that wrongly accepted its flags would start a server: the timeout ends it. */
  timeoutMs?: number;
}

export function requireBuiltCli(): void {
  if (!existsSync(join(ROOT, 'dist/src/cli/main.js'))) throw new Error('run `npm run build` first');
}

function environmentOf(run: CliRun): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: run.home, XDG_CONFIG_HOME: join(run.home, 'xdg'), ...run.env };
}

/** `lapse …` with stdout and stderr piped. */
export function runCli(args: string[], run: CliRun): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: environmentOf(run), cwd: run.cwd ?? run.home, timeout: run.timeoutMs ?? 60_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

const shellQuote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/** What to type at the terminal once the output shows `when` (a question the command asks). */
export interface TerminalAnswer {
  when: RegExp;
  text: string;
}

/** `lapse …` on a pseudo-terminal (script(1)): stdout and stderr are one terminal, read back as `output`. */
export function runCliOnTerminal(
  args: string[],
  run: CliRun & { answer?: TerminalAnswer },
): Promise<{ code: number; output: string }> {
  const command = [process.execPath, CLI, ...args].map(shellQuote).join(' ');
  return new Promise((resolve) => {
    const child = execFile(
      'script',
      ['-qec', command, '/dev/null'],
      { env: environmentOf(run), cwd: run.cwd ?? run.home, timeout: run.timeoutMs ?? 60_000 },
      (error, stdout) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, output: stdout.replaceAll('\r\n', '\n') });
      },
    );
    const { answer } = run;
    if (answer === undefined) return;
    let shown = '';
    const type = (chunk: Buffer | string) => {
      shown += chunk.toString();
      if (!answer.when.test(shown)) return;
      child.stdout?.off('data', type);
      child.stdin?.write(answer.text);
    };
    child.stdout?.on('data', type);
  });
}

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the match once stdout shows `pattern`; rejects when the process exits first. */
  waitForStdout(pattern: RegExp): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** A long-running `lapse …` (the dashboard), or one the test writes to (`stdin: 'pipe'`). */
export function spawnCli(args: string[], run: CliRun & { stdin?: 'ignore' | 'pipe' }): RunningCli {
  const child = spawn(process.execPath, [CLI, ...args], {
    env: environmentOf(run),
    cwd: run.cwd ?? run.home,
    stdio: [run.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  let [stdout, stderr] = ['', ''];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    waitForStdout: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout);
          if (match) {
            child.stdout?.off('data', check);
            resolve(match);
          }
        };
        child.stdout?.on('data', check);
        check();
        void exited.then((code) => reject(new Error(`lapse exited (${code}) first:\n${stdout}\n${stderr}`)));
      }),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
