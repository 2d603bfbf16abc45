// contract §1 and §7 under attack: failed token requests are reserved before the secret is hashed (a burst is
// cut at the limit), a stranger cannot lock a known client id out, IPv6 callers are counted by /64, identifiers
// are bounded before any hash, repeated parameters are refused, and a secret in the URL never reaches the logs.
import http from 'node:http';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverLogger } from '../src/server/logger.js';
import { DATABASE_KINDS } from './support/databases.js';
import { pinnedClock } from './support/pinned-clock.js';
import { startTestServer, type TestCredential, type TestServer } from './support/test-server.js';

interface TokenAnswer {
  status: number;
  body: Record<string, unknown>;
  retryAfter: string | undefined;
  elapsedMs: number;
}

interface TokenCall {
  /** The form, as pairs so a parameter can be repeated. */
  pairs: Array<[string, string]>;
  localAddress?: string;
  path?: string;
  basic?: { id: string; secret: string };
}

/** One token request over its own connection from a chosen loopback address (127.0.0.0/8 is all local). */
function requestToken(baseUrl: string, call: TokenCall): Promise<TokenAnswer> {
  const started = performance.now();
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (call.basic) {
    const pair = `${encodeURIComponent(call.basic.id)}:${encodeURIComponent(call.basic.secret)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  return new Promise((resolve, reject) => {
    const request = http.request(`${baseUrl}${call.path ?? '/connect/token'}`, {
      method: 'POST',
      agent: false,
      localAddress: call.localAddress ?? '127.0.0.1',
      headers,
      timeout: 30_000,
    });
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('token request timed out')));
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body: JSON.parse(Buffer.concat(chunks).toString()),
          retryAfter: response.headers['retry-after'] as string | undefined,
          elapsedMs: performance.now() - started,
        }),
      );
    });
    request.end(new URLSearchParams(call.pairs).toString());
  });
}

const pairsOf = (credential: TestCredential, secret = credential.clientSecret): Array<[string, string]> => [
  ['grant_type', 'client_credentials'],
  ['client_id', credential.clientId],
  ['client_secret', secret],
];

function countBy(answers: TokenAnswer[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

const LIMIT = 10;

describe.each(DATABASE_KINDS)('failed token requests under attack on %s', (kind) => {
  let server: TestServer;
  let companyResourceId: string;
  const newVictim = () => server.addCredential(companyResourceId, 'Reseller');

  beforeAll(async () => {
    server = await startTestServer({
      kind,
      companies: 80,
      ...pinnedClock,
      config: { failedTokenLimitPerMinute: LIMIT },
    });
    companyResourceId = server.credentials.reseller.companyResourceId;
  });
  afterAll(() => server?.close());

  it('300 concurrent wrong secrets from one address: only the limit is checked, a good request is prompt', async () => {
    const victim = await newVictim();
    const burst = Array.from({ length: 300 }, (_, attempt) =>
      requestToken(server.baseUrl, { pairs: pairsOf(victim, `guess-${attempt}`), localAddress: '127.0.1.1' }),
    );
    const good = requestToken(server.baseUrl, { pairs: pairsOf(server.credentials.root), localAddress: '127.0.1.2' });
    const [answers, goodAnswer] = await Promise.all([Promise.all(burst), good]);
    expect(countBy(answers)).toEqual({ 400: LIMIT, 429: 300 - LIMIT });
    for (const refused of answers.filter((answer) => answer.status === 429)) {
      expect(refused.body.error).toBe('rate_limited');
      expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    }
    expect(goodAnswer.status).toBe(200);
    // At most LIMIT hashes run ahead of it, not 300; the bound leaves room for a loaded machine accepting 300
    // connections at once (the counts above are what tell check-then-act apart).
    expect(goodAnswer.elapsedMs).toBeLessThan(5_000);
  });

  it('the store spends each token once when a fresh bucket is taken from concurrently', async () => {
    const store = server.storage.createRateLimitStore();
    for (let round = 0; round < 5; round++) {
      const key = `concurrent-take:${round}`;
      const decisions = await Promise.all(Array.from({ length: 40 }, () => store.take(key, LIMIT, pinnedClock.now())));
      expect(decisions.filter((decision) => decision.isAllowed)).toHaveLength(LIMIT);
    }
  });

  it('failures naming a client from one address do not lock the client out of other addresses', async () => {
    const victim = await newVictim();
    const stranger = '127.0.2.1';
    for (let attempt = 0; attempt < LIMIT; attempt++) {
      const wrong = await requestToken(server.baseUrl, {
        pairs: pairsOf(victim, `guess-${attempt}`),
        localAddress: stranger,
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error).toBe('invalid_client');
    }
    const strangerAgain = await requestToken(server.baseUrl, {
      pairs: pairsOf(victim, 'guess'),
      localAddress: stranger,
    });
    expect(strangerAgain.status).toBe(429);
    // Brute force from that address stays slow: even the right secret waits for the bucket.
    expect((await requestToken(server.baseUrl, { pairs: pairsOf(victim), localAddress: stranger })).status).toBe(429);
    // The client itself, from an address that has not failed, is let through, again and again.
    for (let call = 0; call < 3; call++) {
      const right = await requestToken(server.baseUrl, { pairs: pairsOf(victim), localAddress: '127.0.2.2' });
      expect(right.status).toBe(200);
      expect(typeof right.body.access_token).toBe('string');
    }
    const basic = await requestToken(server.baseUrl, {
      pairs: [['grant_type', 'client_credentials']],
      basic: { id: victim.clientId, secret: victim.clientSecret },
      localAddress: '127.0.2.3',
    });
    expect(basic.status).toBe(200);
  });

  it('guesses spread over many addresses get one check per address once the client id is over its limit', async () => {
    const victim = await newVictim();
    for (let host = 1; host <= LIMIT; host++) {
      const wrong = await requestToken(server.baseUrl, {
        pairs: pairsOf(victim, 'guess'),
        localAddress: `127.0.3.${host}`,
      });
      expect(wrong.status).toBe(400);
    }
    // The client id's bucket is now empty: a fresh address still gets its secret checked, once...
    const fresh = '127.0.3.100';
    expect((await requestToken(server.baseUrl, { pairs: pairsOf(victim, 'guess'), localAddress: fresh })).status).toBe(
      400,
    );
    // ...and then, having failed, it is refused for this client id while another client is still checked.
    const again = await requestToken(server.baseUrl, { pairs: pairsOf(victim, 'guess'), localAddress: fresh });
    expect(again.status).toBe(429);
    expect(Number(again.retryAfter)).toBeGreaterThanOrEqual(1);
    const other = await requestToken(server.baseUrl, {
      pairs: pairsOf(server.credentials.subReseller),
      localAddress: fresh,
    });
    expect(other.status).toBe(200);
  });

  it('a success gives its reservation back: right secrets never use up the failure budget', async () => {
    const client = await newVictim();
    const answers: TokenAnswer[] = [];
    for (let call = 0; call < LIMIT + 5; call++) {
      answers.push(await requestToken(server.baseUrl, { pairs: pairsOf(client), localAddress: '127.0.4.1' }));
    }
    expect(countBy(answers)).toEqual({ 200: LIMIT + 5 });
    const wrong = await requestToken(server.baseUrl, { pairs: pairsOf(client, 'guess'), localAddress: '127.0.4.1' });
    expect(wrong.status).toBe(400);
  });

  it('IPv6 callers are counted by /64, IPv4-mapped ones as their IPv4 address', async () => {
    // Loopback has one IPv6 address, so the peer address is set in-process here; the rest of the stack is real.
    const tokenFrom = (remoteAddress: string, credential: TestCredential, secret = 'guess') =>
      server.app.inject({
        method: 'POST',
        url: '/connect/token',
        remoteAddress,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(pairsOf(credential, secret)).toString(),
      });
    const victim = await newVictim();
    for (let host = 1; host <= LIMIT; host++) {
      expect((await tokenFrom(`2001:db8:7:1::${host.toString(16)}`, victim)).statusCode).toBe(400);
    }
    expect((await tokenFrom('2001:db8:7:1:ffff:ffff:ffff:fffe', victim)).statusCode).toBe(429);
    expect((await tokenFrom('2001:db8:7:2::1', victim, victim.clientSecret)).statusCode).toBe(200);

    // Under a client id that has not failed, so only the address bucket decides.
    const other = await newVictim();
    for (let attempt = 0; attempt < LIMIT; attempt++) {
      expect((await tokenFrom('::ffff:198.51.100.9', other)).statusCode).toBe(400);
    }
    expect((await tokenFrom('198.51.100.9', other)).statusCode).toBe(429);
  });
});

describe.each(DATABASE_KINDS)('malformed token requests are refused before any hash on %s', (kind) => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ kind, companies: 80, ...pinnedClock, config: { failedTokenLimitPerMinute: 3 } });
  });
  afterAll(() => server?.close());

  const expectInvalidRequest = (answer: TokenAnswer) => {
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_request');
    expect(typeof answer.body.error_description).toBe('string');
  };

  it('an identifier over its length bound is 400 invalid_request, and costs no failure', async () => {
    const root = server.credentials.root;
    const address = '127.0.5.1';
    for (let attempt = 0; attempt < 5; attempt++) {
      const longId = await requestToken(server.baseUrl, {
        pairs: pairsOf({ ...root, clientId: `x${'a'.repeat(3_000)}${attempt}` }, 'guess'),
        localAddress: address,
      });
      expectInvalidRequest(longId);
      expect(String(longId.body.error_description)).toContain('client_id');
    }
    expectInvalidRequest(
      await requestToken(server.baseUrl, { pairs: pairsOf(root, 's'.repeat(4_000)), localAddress: address }),
    );
    expectInvalidRequest(
      await requestToken(server.baseUrl, {
        pairs: [['grant_type', 'client_credentials']],
        basic: { id: 'b'.repeat(3_000), secret: 'guess' },
        localAddress: address,
      }),
    );
    expectInvalidRequest(
      await requestToken(server.baseUrl, {
        pairs: [...pairsOf(root), ['scope', 'q'.repeat(3_000)]],
        localAddress: address,
      }),
    );
    // None of those counted as a failure from this address.
    expect((await requestToken(server.baseUrl, { pairs: pairsOf(root), localAddress: address })).status).toBe(200);
  });

  it('a repeated parameter is 400 invalid_request (RFC 6749 §3.1), even when both copies agree', async () => {
    const root = server.credentials.root;
    for (const name of ['client_id', 'client_secret', 'grant_type']) {
      const pairs = pairsOf(root);
      const repeated = pairs.find(([key]) => key === name);
      if (!repeated) throw new Error(`no ${name}`);
      const answer = await requestToken(server.baseUrl, { pairs: [...pairs, repeated], localAddress: '127.0.6.1' });
      expectInvalidRequest(answer);
      expect(String(answer.body.error_description)).toContain(name);
    }
    expectInvalidRequest(
      await requestToken(server.baseUrl, {
        pairs: [...pairsOf(root), ['scope', 'api1'], ['scope', 'api1']],
        localAddress: '127.0.6.1',
      }),
    );
    // Two authentication methods at once (RFC 6749 §2.3).
    expectInvalidRequest(
      await requestToken(server.baseUrl, {
        pairs: pairsOf(root),
        basic: { id: root.clientId, secret: root.clientSecret },
        localAddress: '127.0.6.1',
      }),
    );
    expect((await requestToken(server.baseUrl, { pairs: pairsOf(root), localAddress: '127.0.6.1' })).status).toBe(200);
  });
});

describe.each(DATABASE_KINDS)('a secret in the token URL on %s', (kind) => {
  let server: TestServer;
  let captured = '';

  beforeAll(async () => {
    const sink = new PassThrough();
    sink.on('data', (chunk: Buffer) => {
      captured += chunk.toString('utf8');
    });
    server = await startTestServer({
      kind,
      companies: 80,
      ...pinnedClock,
      config: { logger: serverLogger('trace', sink) },
    });
  });
  afterAll(() => server?.close());

  it('is refused with invalid_request and never logged', async () => {
    const root = server.credentials.root;
    const query = new URLSearchParams({ client_id: root.clientId, client_secret: root.clientSecret }).toString();
    const answer = await requestToken(server.baseUrl, {
      pairs: [['grant_type', 'client_credentials']],
      path: `/connect/token?${query}`,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toBe('invalid_request');
    const other = await requestToken(server.baseUrl, { pairs: pairsOf(root), path: '/connect/token?note=hunter2' });
    expect(other.status).toBe(200);
    expect(captured).toContain('/connect/token?client_id=[redacted]&client_secret=[redacted]');
    expect(captured).not.toContain(root.clientSecret);
    expect(captured).not.toContain('hunter2');
  });
});
