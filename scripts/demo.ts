// `npm run demo`: the main job end to end on the embedded SQLite default. Seeds a demo tenant tree, starts the
// API server, lists the expired customers of one reseller with `lapse expired`, writes them as CSV and Excel,
// and starts the dashboard. On a terminal it keeps the server and dashboard up until Ctrl-C; otherwise it exits.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'demo-output');
const DATABASE = join(OUT, 'lapse-demo.db');
const LAPSE = join(ROOT, 'bin', 'lapse.js');
const COMPANIES = 5000;
const children: ChildProcess[] = [];

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

function lapse(args: string[], env: Record<string, string> = {}): string {
  const result = spawnSync(process.execPath, [LAPSE, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    process.stderr.write(result.stderr);
    throw new Error(`lapse ${args.join(' ')} exited with ${result.status}`);
  }
  return result.stdout;
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

function stopAll(): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  say(`1. Seeding a demo tenant tree of ${COMPANIES} companies into ${relative(ROOT, DATABASE)}`);
  const seed = JSON.parse(
    lapse(['seed', '--companies', String(COMPANIES), '--database', DATABASE, '--reset', '--json']),
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
    ]),
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
  say(lapse(['expired'], env));
  const csv = join(OUT, 'expired.csv');
  const xlsx = join(OUT, 'expired.xlsx');
  lapse(['expired', '--format', 'csv', '--output', csv], env);
  lapse(['expired', '--format', 'xlsx', '--output', xlsx], env);
  say(`4. Written: ${relative(ROOT, csv)} and ${relative(ROOT, xlsx)}`);

  const dashboard = await startLapse(['ui', '--port', '0'], env).catch(() => undefined);
  if (dashboard) say(`5. Dashboard: ${dashboard}`);
  if (process.stdout.isTTY) {
    say('\nServer and dashboard keep running; press Ctrl-C to stop.');
    process.on('SIGINT', () => {
      stopAll();
      process.exit(0);
    });
  } else {
    stopAll();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`demo failed: ${error.message}\n`);
  stopAll();
  process.exit(1);
});
