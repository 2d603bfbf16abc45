// `lapse notify --webhook` over real HTTP, on SQLite and PostgreSQL, to a receiver the test runs: every POST is
// signed (HMAC-SHA256 over timestamp + body, checked here with the receiver's own code), a 500 is retried and the
// same digest arrives on the next run, a run with nothing new sends nothing, and each digest holds exactly the
// renewals made through the admin functions since the last one delivered.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliverWebhook } from '../src/cli/digest/index.js';
import { DATABASE_KINDS } from './support/databases.js';
import { renewCompanyBelow } from './support/renew-company.js';
import { resellerEnvironment, runCli } from './support/run-cli.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const SEED_TODAY = '2026-03-10';
const PINNED_NOW = '2026-03-10T12:00:00Z';
const SECRET = 'receiver-secret';

interface Received {
  body: string;
  timestamp: string;
  isSigned: boolean;
  digestIdHeader: string;
}

/** The check a receiver makes (as in the README): HMAC-SHA256 of `<timestamp>.<body>`, compared in constant time. */
function isSignedBy(secret: string, timestamp: string, body: string, header: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

describe.each(DATABASE_KINDS)('lapse notify on %s', (kind) => {
  let server: TestServer;
  let receiver: Server;
  let home: string;
  let status = 204;
  const received: Received[] = [];
  let url: string;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lapse-notify-'));
    server = await startTestServer({ kind, companies: 200, seed: 23, today: SEED_TODAY });
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const timestamp = String(request.headers['x-lapse-timestamp'] ?? '');
        const signature = String(request.headers['x-lapse-signature'] ?? '');
        const digestIdHeader = String(request.headers['x-lapse-digest-id'] ?? '');
        received.push({ body, timestamp, isSigned: isSignedBy(SECRET, timestamp, body, signature), digestIdHeader });
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((done) => receiver.listen(0, '127.0.0.1', done));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/lapse`;
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await new Promise((done) => receiver?.close(done));
    await rm(home, { recursive: true, force: true });
  });

  const env = (history = 'history.db') =>
    resellerEnvironment(server, { LAPSE_NOW: PINNED_NOW, LAPSE_HISTORY: join(home, history) });
  const notify = (extra: string[] = [], history?: string) =>
    runCli(
      ['notify', '--as-of', SEED_TODAY, '--webhook', url, '--secret', SECRET, '--backoff', '20', ...extra],
      home,
      env(history),
    );

  const renewOne = (index: number) => renewCompanyBelow(server, SEED_TODAY, index);

  const changesOf = (body: string) =>
    (JSON.parse(body) as { changes: { kind: string; companyResourceId: string; renewedByDays: number | null }[] })
      .changes;

  it('retries a 500, delivers the same digest next run, then sends nothing; each digest holds exactly what is new', async () => {
    expect((await runCli(['snapshot', '--as-of', SEED_TODAY], home, env())).code).toBe(0);
    const first = await renewOne(0);

    status = 500;
    const failed = await notify();
    expect(failed.code).toBe(5);
    expect(failed.stderr).toMatch(
      new RegExp(
        `^lapse notify: webhook ${url} answered 500 \\(4 attempts\\); the digest is sent again next run\\n$`,
        'm',
      ),
    );
    expect(received).toHaveLength(4);
    expect(received.every((request) => request.isSigned)).toBe(true);
    // The header repeats the body's digestId, so a receiver can drop a copy before parsing.
    for (const request of received) {
      expect(request.digestIdHeader).toMatch(/^[0-9a-f]{32}$/);
      expect(request.digestIdHeader).toBe((JSON.parse(request.body) as { digestId: string }).digestId);
    }
    expect(received.every((request) => request.timestamp === String(Date.parse(PINNED_NOW) / 1000))).toBe(true);
    expect(changesOf(received[0]?.body ?? '{}')).toEqual([
      expect.objectContaining({ kind: 'renewed', companyResourceId: first, renewedByDays: 365 }),
    ]);
    // Another key does not verify: the signature depends on the secret.
    const sample = received[0] as Received;
    expect(isSignedBy('other', sample.timestamp, sample.body, 'sha256=00')).toBe(false);

    status = 204;
    received.length = 0;
    const delivered = await notify();
    expect(delivered.code).toBe(0);
    expect(received).toHaveLength(1);
    expect(received[0]?.isSigned).toBe(true);
    expect(changesOf(received[0]?.body ?? '{}')).toEqual(changesOf(sample.body));
    expect(JSON.parse(received[0]?.body ?? '{}').since).toEqual(JSON.parse(sample.body).since);
    expect(delivered.stdout).toMatch(/^sent 1 change since snapshot 1 \(1 renewed\) to .*: 204\n$/);

    received.length = 0;
    const quiet = await notify();
    expect(quiet.code).toBe(0);
    expect(received).toHaveLength(0);
    expect(quiet.stdout).toMatch(/^nothing new since snapshot \d+: sent nothing\n$/);

    const second = await renewOne(1);
    const next = await notify();
    expect(next.code).toBe(0);
    expect(received).toHaveLength(1);
    expect(changesOf(received[0]?.body ?? '{}')).toEqual([
      expect.objectContaining({ kind: 'renewed', companyResourceId: second, renewedByDays: 365 }),
    ]);
  }, 120_000);

  it('--format slack posts a signed Slack message, names escaped; --always says "nothing changed" in either format', async () => {
    const history = 'slack.db';
    expect((await runCli(['snapshot', '--as-of', SEED_TODAY], home, env(history))).code).toBe(0);
    await renewCompanyBelow(server, SEED_TODAY, 5, { name: '<b>& Co' });
    received.length = 0;
    const slack = await notify(['--format', 'slack'], history);
    expect(slack.stderr).toBe('');
    expect(slack.code).toBe(0);
    expect(received).toHaveLength(1);
    expect(received[0]?.isSigned).toBe(true);
    const body = JSON.parse(received[0]?.body ?? '{}') as {
      text: string;
      blocks: { type: string; text?: { type: string; text: string } }[];
    };
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text']);
    expect(body.text).toBe(`lapse: 1 change since ${SEED_TODAY}: 1 renewed`);
    expect(body.blocks.map((block) => [block.type, block.text?.type])).toEqual([
      ['header', 'plain_text'],
      ['section', 'mrkdwn'],
      ['section', 'mrkdwn'],
    ]);
    expect(body.blocks[2]?.text?.text).toMatch(
      /^• renewed \*&lt;b&gt;&amp; Co\* \(.+\): \d{4}-\d\d-\d\d → \d{4}-\d\d-\d\d \(\+365 days\)$/,
    );
    expect(received[0]?.body).not.toContain('<b>');

    received.length = 0;
    const quiet = await notify(['--format', 'slack'], history);
    expect(quiet.stdout).toMatch(/^nothing new since snapshot \d+: sent nothing\n$/);
    expect(received).toHaveLength(0);

    const alwaysJson = await notify(['--always'], history);
    expect(alwaysJson.code).toBe(0);
    expect(alwaysJson.stdout).toMatch(/^sent "nothing changed" since snapshot \d+ to .*: 204\n$/);
    expect(received).toHaveLength(1);
    expect(received[0]?.isSigned).toBe(true);
    expect(JSON.parse(received[0]?.body ?? '{}')).toMatchObject({ count: 0, changes: [] });

    const alwaysSlack = await notify(['--always', '--format', 'slack'], history);
    expect(alwaysSlack.code).toBe(0);
    expect(received).toHaveLength(2);
    const nothing = JSON.parse(received[1]?.body ?? '{}') as { text: string; blocks: { type: string }[] };
    expect(nothing.text).toBe(`lapse: nothing changed since ${SEED_TODAY}`);
    expect(nothing.blocks.map((block) => block.type)).toEqual(['header', 'section']);
  }, 120_000);

  it('refuses a webhook URL that is not http(s), or no secret, in one line with exit 2', async () => {
    const ftp = await runCli(['notify', '--webhook', 'ftp://example.com/x', '--secret', SECRET], home, env());
    expect(ftp.code).toBe(2);
    expect(ftp.stderr).toBe('lapse notify: --webhook ftp://example.com/x: must be an http:// or https:// URL\n');
    const unsigned = await runCli(['notify', '--webhook', url], home, env());
    expect(unsigned.code).toBe(2);
    expect(unsigned.stderr).toBe(
      'lapse notify: --secret <secret> or LAPSE_WEBHOOK_SECRET is required: the receiver checks the signature\n',
    );
  });

  it('takes the secret from LAPSE_WEBHOOK_SECRET, off the command line, and signs with it', async () => {
    const history = 'env-secret.db';
    expect((await runCli(['snapshot', '--as-of', SEED_TODAY], home, env(history))).code).toBe(0);
    const renewed = await renewOne(2);
    status = 200;
    received.length = 0;
    const run = await runCli(['notify', '--as-of', SEED_TODAY, '--webhook', url], home, {
      ...env(history),
      LAPSE_WEBHOOK_SECRET: SECRET,
    });
    expect(run.code).toBe(0);
    expect(received).toHaveLength(1);
    expect(received[0]?.isSigned).toBe(true);
    expect(changesOf(received[0]?.body ?? '{}')).toEqual([
      expect.objectContaining({ kind: 'renewed', companyResourceId: renewed }),
    ]);
  }, 120_000);
});

describe('webhook delivery', () => {
  it('retries an attempt that times out, and signs each attempt', async () => {
    const attempts: boolean[] = [];
    const hanging = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const timestamp = String(request.headers['x-lapse-timestamp']);
        attempts.push(isSignedBy(SECRET, timestamp, body, String(request.headers['x-lapse-signature'])));
        // The first attempt gets no answer at all.
        if (attempts.length > 1) response.writeHead(200).end();
      });
    });
    await new Promise<void>((done) => hanging.listen(0, '127.0.0.1', done));
    try {
      const retries: string[] = [];
      const status = await deliverWebhook({
        url: `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/`,
        secret: SECRET,
        body: '{"changes":[]}',
        digestId: 'd-1',
        now: Date.now,
        timeoutMs: 300,
        backoffMs: 10,
        onRetry: (message) => retries.push(message),
      });
      expect(status).toBe(200);
      expect(attempts).toEqual([true, true]);
      expect(retries).toEqual([expect.stringMatching(/ timed out; retry 1 of 3 in 0\.0 s$/)]);
    } finally {
      hanging.closeAllConnections();
      await new Promise((done) => hanging.close(done));
    }
  });
});
