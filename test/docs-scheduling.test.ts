// docs/scheduling.md as a user would follow it: every `lapse` command its code blocks show names flags the command
// has, its exit-code table agrees with the CLI's, and its digest job and nightly snapshot, run as written (paths
// moved into a temporary directory) against a real server and receiver on SQLite and PostgreSQL, deliver a digest
// and step aside (exit 75) while another run holds the lock.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../src/cli/exit-codes.js';
import { addDays, dayOf } from '../src/contract/index.js';
import { updateCompany } from '../src/server/admin/index.js';
import { companiesBelow } from './support/companies-below.js';
import { DATABASE_KINDS } from './support/databases.js';
import { runCli } from './support/run-cli.js';
import { startTestServer, type TestServer } from './support/test-server.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DOC = readFileSync(join(ROOT, 'docs/scheduling.md'), 'utf8');
const CLI = join(ROOT, 'bin/lapse.js');
const LOCK_EXIT = 75;

interface CodeBlock {
  language: string;
  text: string;
}

const BLOCKS: CodeBlock[] = [...DOC.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((match) => ({
  language: match[1] ?? '',
  text: match[2] ?? '',
}));

/** Each `lapse <command> …` in the blocks, continuation lines joined, up to the first shell operator. */
function lapseInvocations(): { command: string; flags: string[]; line: string }[] {
  const found: { command: string; flags: string[]; line: string }[] = [];
  for (const block of BLOCKS) {
    for (const line of block.text.replace(/\\\n\s*/g, ' ').split('\n')) {
      for (const match of line.matchAll(/(?:^|[\s/])lapse ([a-z][\w-]*)((?: +[^\s|;&>]+)*)/g)) {
        const flags = (match[2] ?? '').split(/\s+/).filter((word) => word.startsWith('--'));
        found.push({ command: match[1] ?? '', flags: flags.map((flag) => flag.split('=')[0] ?? flag), line });
      }
    }
  }
  return found;
}

function blockWith(needle: string): string {
  const block = BLOCKS.find((candidate) => candidate.text.includes(needle));
  if (block === undefined) throw new Error(`docs/scheduling.md has no code block with ${needle}`);
  return block.text;
}

describe('docs/scheduling.md', () => {
  it('names only flags each lapse command has', async () => {
    const invocations = lapseInvocations();
    expect(new Set(invocations.map((one) => one.command))).toEqual(new Set(['notify', 'snapshot', 'changes']));
    const helpOf = new Map<string, string>();
    for (const { command, flags, line } of invocations) {
      if (!helpOf.has(command)) {
        const help = await runCli([command, '--help'], tmpdir(), {});
        expect(help.code, command).toBe(0);
        helpOf.set(command, help.stdout);
      }
      for (const flag of flags) {
        expect(helpOf.get(command), `${flag} in: ${line}`).toMatch(new RegExp(`(^|[ ,])${flag}( |$)`, 'm'));
      }
    }
  });

  it("lists exit codes the CLI has, each with the CLI's meaning", () => {
    const rows = [...DOC.matchAll(/^\| (\d+) \| /gm)].map((match) => Number(match[1]));
    const known = new Set<number>([...Object.values(EXIT_CODES), LOCK_EXIT]);
    expect(rows.length).toBeGreaterThan(4);
    for (const code of rows) expect(known.has(code), String(code)).toBe(true);
    expect(blockWith('lapse-digest.lock').includes(`-E ${LOCK_EXIT}`)).toBe(true);
  });
});

describe.each(DATABASE_KINDS)('the documented jobs on %s', (kind) => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let dir: string;
  let holder: ChildProcess | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'lapse-scheduling-'));
    server = await startTestServer({ kind, companies: 80, seed: 41, today: '2026-03-10' });
    receiver = await startWebhookReceiver();
  }, 180_000);

  afterAll(async () => {
    holder?.kill();
    await server?.close();
    await receiver?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A block with its machine paths moved into the test's directory. */
  const localised = (text: string) =>
    text
      .replaceAll('/etc/lapse/lapse.env', join(dir, 'lapse.env'))
      .replaceAll('/run/lock/lapse-digest.lock', join(dir, 'digest.lock'));

  function run(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
    const bin = join(dir, 'bin');
    return new Promise((resolve) =>
      execFile(
        'sh',
        ['-c', script],
        {
          env: {
            PATH: `${bin}:${process.env.PATH ?? ''}`,
            HOME: dir,
            LAPSE_ENV_FILE: join(dir, 'lapse.env'),
            LAPSE_LOCK_FILE: join(dir, 'digest.lock'),
          },
        },
        (error, stdout, stderr) =>
          resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr }),
      ),
    );
  }

  it('records the nightly snapshot, delivers the digest, and steps aside while the lock is held', async () => {
    const bin = join(dir, 'bin');
    await run(`mkdir -p ${bin}`);
    writeFileSync(join(bin, 'lapse'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(join(bin, 'lapse'), 0o755);
    const { clientId, clientSecret } = server.credentials.reseller;
    const envFile = blockWith('LAPSE_WEBHOOK_SECRET=')
      .replace(/^LAPSE_BASE_URL=.*$/m, `LAPSE_BASE_URL=${server.baseUrl}`)
      .replace(/^LAPSE_CLIENT_ID=.*$/m, `LAPSE_CLIENT_ID=${clientId}`)
      .replace(/^LAPSE_CLIENT_SECRET=.*$/m, `LAPSE_CLIENT_SECRET=${clientSecret}`)
      .replace(/^LAPSE_HISTORY=.*$/m, `LAPSE_HISTORY=${join(dir, 'history.db')}`)
      .replace(/^LAPSE_WEBHOOK_URL=.*$/m, `LAPSE_WEBHOOK_URL=${receiver.url}`);
    writeFileSync(join(dir, 'lapse.env'), envFile, { mode: 0o600 });
    const job = join(dir, 'lapse-digest');
    writeFileSync(job, blockWith('exec flock'), { mode: 0o755 });

    const crontab = localised(blockWith('lapse snapshot'));
    const nightly = crontab.split('\n').find((line) => line.includes('lapse snapshot')) ?? '';
    const snapshot = await run(nightly.replace(/^(\S+\s+){5}/, ''));
    expect([snapshot.code, snapshot.stderr]).toEqual([0, '']);

    const rows = await companiesBelow(server, server.credentials.reseller.companyResourceId);
    const dated = rows.find((row) => row.license_end_at !== null && dayOf(Number(row.license_end_at)) > '2026-09-01');
    if (dated === undefined) throw new Error('no company to renew');
    await updateCompany(server.storage.db, dated.resource_id, {
      licenseEndDate: addDays(dayOf(Number(dated.license_end_at)), 365),
    });
    const digest = await run(job);
    expect([digest.code, digest.stderr]).toEqual([0, '']);
    expect(digest.stdout).toMatch(/^sent (1 change|\d+ changes) since snapshot 1 /);
    expect(receiver.received).toHaveLength(1);
    const body = JSON.parse(receiver.received[0]?.body ?? '{}') as { changes: { companyResourceId: string }[] };
    expect(body.changes.map((change) => change.companyResourceId)).toContain(dated.resource_id);

    // Another run holds the lock: the job exits 75 at once and sends nothing.
    holder = spawn('flock', [join(dir, 'digest.lock'), 'sleep', '60'], { stdio: 'ignore' });
    while ((await run(`flock -n ${join(dir, 'digest.lock')} true`)).code === 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const locked = await run(job);
    expect(locked.code).toBe(LOCK_EXIT);
    expect(receiver.received).toHaveLength(1);
    holder.kill();
    holder = undefined;
  }, 120_000);
});
