// Every command of the CLI, server-side and reseller's alike, answers a refused flag, a missing argument or an
// unknown subcommand with the one error line and its usage line, never the whole help.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireBuiltCli, runCli } from './support/cli-process.js';

describe('usage errors', () => {
  let home: string;
  beforeAll(async () => {
    requireBuiltCli();
    home = await mkdtemp(join(tmpdir(), 'lapse-usage-lines-'));
  });
  afterAll(() => rm(home, { recursive: true, force: true }));

  it.each([
    { args: ['--bogus'], first: "error: unknown option '--bogus'", usage: 'lapse [options] [command]' },
    { args: ['frobnicate'], first: "error: unknown command 'frobnicate'", usage: 'lapse [options] [command]' },
    { args: ['serve', '--bogus'], first: "error: unknown option '--bogus'", usage: 'lapse serve [options]' },
    {
      args: ['seed'],
      first: "error: required option '--companies <n>' not specified",
      usage: 'lapse seed [options]',
    },
    {
      args: ['migrate'],
      first: "error: required option '--from <file.db|url>' not specified",
      usage: 'lapse migrate [options]',
    },
    { args: ['admin', 'frob'], first: "error: unknown command 'frob'", usage: 'lapse admin [options] [command]' },
    {
      args: ['admin', 'company', 'import'],
      first: "error: missing required argument 'file.csv'",
      usage: 'lapse admin company import [options] <file.csv>',
    },
    {
      args: ['admin', 'company', 'list', '--bogus'],
      first: "error: unknown option '--bogus'",
      usage: 'lapse admin company list [options]',
    },
    {
      args: ['admin', 'credential', 'create'],
      first: "error: required option '--company <id|name>' not specified",
      usage: 'lapse admin credential create [options]',
    },
    {
      args: ['clients', '--bogus'],
      first: "error: unknown option '--bogus'",
      usage: 'lapse clients [options] [command]',
    },
  ])('lapse $args prints one line and the usage line', async ({ args, first, usage }) => {
    const result = await runCli(args, { home, timeoutMs: 20_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${first}\nusage: ${usage} (see --help)\n`);
    expect(result.stdout).toBe('');
  });
});
