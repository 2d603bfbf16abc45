// `npm run demo`: the main job end to end on the embedded SQLite default. Seeds a demo tenant tree, starts the
// API server, lists the expired customers of one reseller with `lapse expired`, writes them as CSV and Excel,
// and, on a terminal, starts the dashboard and keeps both up until Ctrl-C. Off a terminal (`npm run demo | less`)
// nobody can press Ctrl-C, so it says it is stopping, stops the server and exits 0; either way it prints the
// commands to carry on with the same data and credential.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
// LAPSE_DEMO_DIR: where the database and files go (the tests use a directory of their own).
const OUT = process.env.LAPSE_DEMO_DIR ?? join(ROOT, 'demo-output');
const DATABASE = join(OUT, 'lapse-demo.db');
const LAPSE = join(ROOT, 'bin', 'lapse.js');
const COMPANIES = 5000;
const children: ChildProcess[] = [];

/** A path as the user types it: relative inside the repository, absolute elsewhere. */
function shown(path: string): string {
  const inside = relative(ROOT, path);
  return inside.startsWith('..') ? path : inside;
}

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

/** Runs a lapse command to its end; its stdout and stderr (where listings report count, day and strategy). */
function lapse(args: string[], env: Record<string, string> = {}): { stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [LAPSE, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    process.stderr.write(result.stderr);
    throw new Error(`lapse ${args.join(' ')} exited with ${result.status}`);
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

/** Starts a long-running lapse command and resolves with the first loopback URL it prints. */
function startLapse(args: string[], env: Record<string, string> = {}): Promise<string> {
  const child = spawn(process.execPath, [LAPSE, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      const url = /(http:\/\/127\.0\.0\.1:\d+)/.exec(seen)?.[1];
      if (url) resolve(url);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`lapse ${args[0]} exited with ${code}:\n${seen}`)));
  });
}

/** Stops every started command and waits until each has exited. */
async function stopAll(): Promise<void> {
  const running = children.filter((child) => child.exitCode === null && child.signalCode === null);
  const exits = running.map((child) => new Promise((resolve) => child.once('exit', resolve)));
  for (const child of running) child.kill('SIGTERM');
  await Promise.all(exits);
}

/** The commands that point lapse at the demo server and its credential, to carry on in another shell. */
function continueWith(baseUrl: string, credential: { clientId: string; clientSecret: string }): void {
  say(`   export LAPSE_BASE_URL=${baseUrl}`);
  say(`   export LAPSE_CLIENT_ID=${credential.clientId}`);
  say(`   export LAPSE_CLIENT_SECRET=${credential.clientSecret}`);
  say('   node bin/lapse.js renewals --within 30d     # or expired, over-limit, export, ui');
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  say(`1. Seeding a demo tenant tree of ${COMPANIES} companies into ${shown(DATABASE)}`);
  const seed = JSON.parse(
    lapse(['seed', '--companies', String(COMPANIES), '--database', DATABASE, '--reset', '--json']).stdout,
  ) as {
    resellers: { resourceId: string; name: string; descendantCount: number }[];
  };
  const reseller = [...seed.resellers].sort((a, b) => b.descendantCount - a.descendantCount)[0];
  if (!reseller) throw new Error('the demo tree has no reseller');
  const credential = JSON.parse(
    lapse([
      'admin',
      'credential',
      'create',
      '--company',
      reseller.resourceId,
      '--role',
      'Reseller',
      '--database',
      DATABASE,
      '--json',
    ]).stdout,
  ) as { clientId: string; clientSecret: string };
  say(
    `   Reseller "${reseller.name}" manages ${reseller.descendantCount} companies; credential ${credential.clientId}`,
  );

  say('2. Starting the API server (lapse serve)');
  const baseUrl = await startLapse(['serve', '--port', '0', '--database', DATABASE, '--log-level', 'warn']);
  say(`   ${baseUrl}  (OpenAPI: ${baseUrl}/openapi.json)`);
  say('   Try it with curl:');
  say(
    `   TOKEN=$(curl -s ${baseUrl}/connect/token -d grant_type=client_credentials -d client_id=${credential.clientId} ` +
      `-d client_secret=${credential.clientSecret} | sed -E 's/.*"access_token":"([^"]+)".*/\\1/')`,
  );
  const today = new Date().toISOString().slice(0, 10);
  const body = JSON.stringify({
    pageNumber: 1,
    pageSize: 20,
    orderBy: 'RenewalDate',
    ascending: true,
    filter: { FilterGroups: [{ FilterItems: [{ FieldName: 'LicenseEndDate', Operator: '<', Value: today }] }] },
  });
  say(
    `   curl -s ${baseUrl}/api/companies/search -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '${body}'`,
  );

  const env = {
    LAPSE_BASE_URL: baseUrl,
    LAPSE_CLIENT_ID: credential.clientId,
    LAPSE_CLIENT_SECRET: credential.clientSecret,
  };
  say('3. The expired customers (lapse expired):');
  const listing = lapse(['expired'], env);
  // The count, the day and the strategy the listing used.
  for (const line of listing.stderr.trim().split('\n')) say(`   ${line}`);
  say(listing.stdout);
  const csv = join(OUT, 'expired.csv');
  const xlsx = join(OUT, 'expired.xlsx');
  lapse(['expired', '--format', 'csv', '--output', csv], env);
  lapse(['expired', '--format', 'xlsx', '--output', xlsx], env);
  say(`4. Written: ${shown(csv)} and ${shown(xlsx)}`);

  const port = new URL(baseUrl).port;
  if (!process.stdout.isTTY) {
    say('5. Not on a terminal, so nothing could stop a dashboard left running: stopping the API server now.');
    say('   To carry on with the same data and credential, start the server again and point lapse at it:');
    say(`   node bin/lapse.js serve --database ${shown(DATABASE)} --port ${port} &`);
    continueWith(baseUrl, credential);
    await stopAll();
    return;
  }
  const dashboard = await startLapse(['ui', '--port', '0'], env);
  say(`5. Dashboard: ${dashboard}`);
  say('   In another shell, lapse talks to the same server with:');
  continueWith(baseUrl, credential);
  say('\nServer and dashboard keep running; press Ctrl-C to stop.');
  process.once('SIGINT', () => {
    stopAll().finally(() => process.exit(0));
  });
}

main().catch(async (error: Error) => {
  process.stderr.write(`demo failed: ${error.message}\n`);
  await stopAll();
  process.exit(1);
});
