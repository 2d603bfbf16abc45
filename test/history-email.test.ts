// `lapse notify --email` over real HTTP, on SQLite and PostgreSQL, to a real SMTP server the test runs (STARTTLS
// with a self-signed certificate, AUTH checking the password): the message parsed back (sender, recipients,
// subject, a text and an HTML part naming the changed companies, the HTML escaped), its CSV or Excel attachment
// equal to what `lapse changes` writes for the same changes; a refused or unreachable server fails in one line,
// marks nothing sent, and the next run sends the same digest; nothing new sends nothing unless --always.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedLoopbackPort } from './support/closed-port.js';
import { DATABASE_KINDS } from './support/databases.js';
import { renewCompanyBelow } from './support/renew-company.js';
import { type CliResult, resellerEnvironment, runCli } from './support/run-cli.js';
import {
  type Certificate,
  makeSelfSignedCertificate,
  type ReceivedMail,
  type SmtpReceiver,
  startSmtpReceiver,
} from './support/smtp-receiver.js';
import { cellText, loadWorkbook } from './support/spreadsheet-readers.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const SEED_TODAY = '2026-03-10';
const PINNED_NOW = '2026-03-10T12:00:00Z';
const USER = 'digest@example.com';
// Characters a URL must escape, so the test sees the password read back exactly.
const PASSWORD = 'p@ss:w/rd%42';
const TEAM = ['b.team@example.com', 'a.manager@example.com'];
const HOSTILE_NAME = '<b>&"Acme\' <script>alert(1)</script>';

const smtpUrl = (port: number, password = PASSWORD, scheme = 'smtp') =>
  `${scheme}://${encodeURIComponent(USER)}:${encodeURIComponent(password)}@localhost:${port}`;

/** Every cell of a sheet as text, header row first. */
function sheetRows(workbook: ExcelJS.Workbook): string[][] {
  const rows: string[][] = [];
  workbook.getWorksheet('Changes')?.eachRow({ includeEmpty: true }, (row) => {
    const cells: string[] = [];
    for (let column = 1; column <= row.cellCount; column++) cells.push(cellText(row.getCell(column).value));
    rows.push(cells);
  });
  return rows;
}

const csvRows = (text: string): string[][] => parse(text.replace(/^\uFEFF/, ''));

describe.each(DATABASE_KINDS)('lapse notify --email on %s', (kind) => {
  let server: TestServer;
  let home: string;
  let certificate: Certificate;
  let receiver: SmtpReceiver;
  let historyCount = 0;

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'lapse-email-'));
    certificate = await makeSelfSignedCertificate(home);
    receiver = await startSmtpReceiver({ certificate, user: USER, password: PASSWORD });
    server = await startTestServer({ kind, companies: 200, seed: 29, today: SEED_TODAY });
  }, 180_000);

  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    await rm(home, { recursive: true, force: true });
  });

  /** A history of its own for each test, so each test's first digest starts at its own snapshot. */
  function freshEnvironment(extra: Record<string, string> = {}): Record<string, string> {
    historyCount += 1;
    return resellerEnvironment(server, {
      LAPSE_NOW: PINNED_NOW,
      LAPSE_HISTORY: join(home, `history-${historyCount}.db`),
      ...extra,
    });
  }

  const run = (args: string[], env: Record<string, string>) => runCli([...args, '--as-of', SEED_TODAY], home, env);
  const snapshot = async (env: Record<string, string>) => expect((await run(['snapshot'], env)).code).toBe(0);
  const emailArgs = (...extra: string[]) => [
    'notify',
    '--email',
    TEAM.join(','),
    '--smtp-ca',
    certificate.certFile,
    '--backoff',
    '10',
    ...extra,
  ];

  /** The messages the receiver took during `work`. */
  async function receivedDuring(work: () => Promise<CliResult>): Promise<{ result: CliResult; mail: ReceivedMail[] }> {
    const before = receiver.received.length;
    const result = await work();
    return { result, mail: receiver.received.slice(before) };
  }

  it('mails the changes over STARTTLS with AUTH: text and escaped HTML parts, the CSV as `lapse changes` writes it', async () => {
    const env = freshEnvironment({ LAPSE_SMTP_URL: smtpUrl(receiver.port) });
    await snapshot(env);
    const hostile = await renewCompanyBelow(server, SEED_TODAY, 0, { name: HOSTILE_NAME });
    const plain = await renewCompanyBelow(server, SEED_TODAY, 1);
    const expected = await run(['changes', '--no-record', '--format', 'csv'], env);
    expect(expected.code).toBe(10);

    const { result, mail } = await receivedDuring(() => run(emailArgs(), env));
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^sent 2 changes since snapshot 1 \(2 renewed\) to b\.team@example\.com, a\.manager@example\.com: 250 .*\n$/,
    );
    expect(mail).toHaveLength(1);
    const [message] = mail as [ReceivedMail];
    expect(message.wasSecureAtAuth).toBe(true);
    expect(message.authMethod).toBe('PLAIN');
    expect(message.recipients.sort()).toEqual([...TEAM].sort());
    const { parsed } = message;
    expect(parsed.from?.value).toEqual([expect.objectContaining({ address: USER })]);
    const to = Array.isArray(parsed.to) ? parsed.to : [parsed.to];
    expect(to.flatMap((list) => list?.value.map((address) => address.address) ?? [])).toEqual(TEAM);
    expect(parsed.subject).toBe(`lapse: 2 changes since ${SEED_TODAY}: 2 renewed`);
    expect(parsed.date?.toISOString()).toBe(new Date(PINNED_NOW).toISOString());
    expect(parsed.text).toContain(HOSTILE_NAME);
    expect(parsed.text).toContain(hostile);
    expect(parsed.text).toContain(plain);
    const html = String(parsed.html);
    expect(html).toContain('&lt;b&gt;&amp;&quot;Acme&#39; &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<b>');
    expect(html).not.toContain('<script>');
    expect(html).toContain(plain);

    expect(parsed.attachments).toHaveLength(1);
    const [attachment] = parsed.attachments;
    expect(attachment?.filename).toBe(`lapse-changes-${SEED_TODAY}.csv`);
    expect(attachment?.contentType).toBe('text/csv');
    const attached = csvRows(attachment?.content.toString('utf8') ?? '');
    expect(attached).toEqual(csvRows(expected.stdout));
    expect(attached.slice(1).map((row) => [row[0], row[2]])).toEqual(
      expect.arrayContaining([
        ['renewed', hostile],
        ['renewed', plain],
      ]),
    );
    expect(attached).toHaveLength(3);

    // Nothing new: nothing sent. Then --always says so in a message of its own, with nothing attached.
    const quiet = await receivedDuring(() => run(emailArgs(), env));
    expect(quiet.result.code).toBe(0);
    expect(quiet.result.stdout).toMatch(/^nothing new since snapshot \d+: sent nothing\n$/);
    expect(quiet.mail).toHaveLength(0);
    const always = await receivedDuring(() => run(emailArgs('--always'), env));
    expect(always.result.code).toBe(0);
    expect(always.result.stdout).toMatch(/^sent "nothing changed" since snapshot \d+ to .*: 250 /);
    expect(always.mail).toHaveLength(1);
    expect(always.mail[0]?.parsed.subject).toBe(`lapse: nothing changed since ${SEED_TODAY}`);
    expect(always.mail[0]?.parsed.text).toMatch(/^nothing changed since 2026-03-10\n/);
    expect(always.mail[0]?.parsed.attachments).toHaveLength(0);
  }, 120_000);

  it('attaches the changes as Excel equal to `lapse changes --format xlsx`, over smtps:// and AUTH LOGIN', async () => {
    const implicitTls = await startSmtpReceiver({
      certificate,
      user: USER,
      password: PASSWORD,
      isImplicitTls: true,
      authMethods: ['LOGIN'],
    });
    try {
      const env = freshEnvironment();
      await snapshot(env);
      const renewed = await renewCompanyBelow(server, SEED_TODAY, 2);
      const file = join(home, 'expected.xlsx');
      expect((await run(['changes', '--no-record', '--format', 'xlsx', '--output', file], env)).code).toBe(10);
      const smtp = smtpUrl(implicitTls.port, PASSWORD, 'smtps');
      const result = await run(
        ['notify', '--email', TEAM[0] as string, '--smtp', smtp, '--smtp-ca', certificate.certFile, '--attach', 'xlsx'],
        env,
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(implicitTls.received).toHaveLength(1);
      const [message] = implicitTls.received as [ReceivedMail];
      expect(message.authMethod).toBe('LOGIN');
      expect(message.wasSecureAtAuth).toBe(true);
      expect(message.recipients).toEqual([TEAM[0]]);
      const attachment = message.parsed.attachments[0];
      expect(attachment?.filename).toBe(`lapse-changes-${SEED_TODAY}.xlsx`);
      expect(attachment?.contentType).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const attached = sheetRows(await loadWorkbook(attachment?.content ?? Buffer.alloc(0)));
      expect(attached).toEqual(sheetRows(await loadWorkbook(readFileSync(file))));
      expect(attached.slice(1).map((row) => [row[0], row[2]])).toEqual([['renewed', renewed]]);
    } finally {
      await implicitTls.close();
    }
  }, 120_000);

  it('a 550 to RCPT or to the message, or a 451 after retries: one line, exit 5, and the next run sends the same digest', async () => {
    const env = freshEnvironment({ LAPSE_SMTP_URL: smtpUrl(receiver.port) });
    await snapshot(env);
    const renewed = await renewCompanyBelow(server, SEED_TODAY, 3);
    const smtpServer = `smtp://localhost:${receiver.port}`;
    const attempt = async (refusal: SmtpReceiver['refusal'], ...extra: string[]) => {
      receiver.refusal = refusal;
      try {
        return await receivedDuring(() => run(emailArgs(...extra), env));
      } finally {
        receiver.refusal = undefined;
      }
    };

    const rcpt = await attempt('rcpt');
    expect(rcpt.result.code).toBe(5);
    expect(rcpt.result.stderr).toMatch(
      new RegExp(
        `^lapse notify: SMTP server ${smtpServer} rejected every recipient \\(550 5\\.1\\.1 .*mailbox unavailable\\); the digest is sent again next run\\n$`,
      ),
    );
    const data = await attempt('data');
    expect(data.result.code).toBe(5);
    expect(data.result.stderr).toMatch(
      new RegExp(
        `^lapse notify: SMTP server ${smtpServer} rejected the message \\(.*550 5\\.7\\.1 message refused\\); the`,
      ),
    );
    expect(data.result.stderr.split('\n')).toHaveLength(2);
    // 4xx says "try later": retried, and after the retries the same failure.
    const later = await attempt('later', '--retries', '1');
    expect(later.result.code).toBe(5);
    expect(later.result.stderr).toMatch(
      new RegExp(
        `^SMTP server ${smtpServer} rejected the message \\(.*451 4\\.3\\.0 try again later\\); retry 1 of 1 in 0\\.0 s\\n` +
          `lapse notify: SMTP server ${smtpServer} rejected the message \\(.*451 .*\\) \\(2 attempts\\); the digest is sent again next run\\n$`,
      ),
    );
    // One recipient refused: the other got it, and both get it again rather than one never.
    receiver.refusedRecipients.add(TEAM[0] as string);
    const partial = await attempt(undefined);
    receiver.refusedRecipients.clear();
    expect(partial.result.code).toBe(5);
    expect(partial.result.stderr).toMatch(
      new RegExp(
        `^lapse notify: SMTP server ${smtpServer} rejected ${TEAM[0]} \\(.*550.*\\); the others received it; the`,
      ),
    );
    expect(partial.mail.map((mail) => mail.recipients)).toEqual([[TEAM[1]]]);
    for (const failed of [rcpt, data, later, partial]) expect(failed.result.stdout).toBe('');

    const delivered = await attempt(undefined);
    expect(delivered.result.code).toBe(0);
    expect(delivered.result.stdout).toMatch(/^sent 1 change since snapshot 1 \(1 renewed\) to /);
    expect(delivered.mail).toHaveLength(1);
    expect(delivered.mail[0]?.parsed.text).toContain(renewed);
    expect(delivered.mail[0]?.parsed.text).toContain(
      'Compared with snapshot 1 (scope, as of 2026-03-10, taken 2026-03-10T12:00:00.000Z).',
    );
    expect(partial.mail[0]?.parsed.text).toBe(delivered.mail[0]?.parsed.text);
  }, 120_000);

  it('an unreachable server, a wrong password, an untrusted certificate or no STARTTLS: one line, never the password', async () => {
    const env = freshEnvironment();
    await snapshot(env);
    const renewed = await renewCompanyBelow(server, SEED_TODAY, 4);
    const secrets = [PASSWORD, encodeURIComponent(PASSWORD), 'wrong-secret'];
    const failing = async (smtp: string, code: number, line: RegExp, ...extra: string[]) => {
      const { result, mail } = await receivedDuring(() =>
        run(['notify', '--email', TEAM[0] as string, '--smtp', smtp, '--retries', '0', ...extra], env),
      );
      expect(result.code).toBe(code);
      expect(result.stderr).toMatch(line);
      expect(result.stderr.split('\n')).toHaveLength(2);
      for (const secret of secrets) expect(result.stderr).not.toContain(secret);
      expect(mail).toHaveLength(0);
    };
    const closed = await closedLoopbackPort();
    await failing(
      smtpUrl(closed),
      5,
      new RegExp(
        `^lapse notify: cannot reach SMTP server smtp://localhost:${closed}: connect ECONNREFUSED \\S+; the digest is sent again next run\\n$`,
      ),
    );
    await failing(
      smtpUrl(receiver.port, 'wrong-secret'),
      3,
      new RegExp(`^lapse notify: SMTP server smtp://localhost:${receiver.port} refused the user name or password \\(`),
      '--smtp-ca',
      certificate.certFile,
    );
    await failing(
      smtpUrl(receiver.port),
      5,
      new RegExp(
        `^lapse notify: cannot reach SMTP server smtp://localhost:${receiver.port}: its certificate is not trusted \\(self-signed certificate\\); name the CA`,
      ),
    );
    const noStartTls = await startSmtpReceiver({ certificate, user: USER, password: PASSWORD }, { noStartTls: true });
    try {
      await failing(
        smtpUrl(noStartTls.port),
        5,
        new RegExp(
          `^lapse notify: cannot reach SMTP server smtp://localhost:${noStartTls.port}: it does not offer STARTTLS .*--smtp-starttls opportunistic`,
        ),
        '--smtp-ca',
        certificate.certFile,
      );
      // Asked for, the digest goes without TLS to a server that offers none; still the first digest.
      const opportunistic = await run(
        [
          'notify',
          '--email',
          TEAM[0] as string,
          '--smtp',
          smtpUrl(noStartTls.port),
          '--smtp-starttls',
          'opportunistic',
        ],
        env,
      );
      expect(opportunistic.code).toBe(0);
      expect(opportunistic.stdout).toMatch(/^sent 1 change since snapshot 1 \(1 renewed\)/);
      expect(noStartTls.received).toHaveLength(1);
      expect(noStartTls.received[0]?.wasSecureAtAuth).toBe(false);
      expect(noStartTls.received[0]?.parsed.text).toContain(renewed);
    } finally {
      await noStartTls.close();
    }
  }, 120_000);

  it('refuses bad flags in one line with exit 2, never echoing the SMTP password', async () => {
    const env = freshEnvironment();
    const refused = async (args: string[], line: string, extraEnv: Record<string, string> = {}) => {
      const result = await runCli(['notify', ...args], home, { ...env, ...extraEnv });
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`lapse notify: ${line}\n`);
    };
    const smtp = smtpUrl(receiver.port);
    await refused(['--email', TEAM[0] as string], '--smtp <url> (or LAPSE_SMTP_URL) is required with --email');
    await refused(
      ['--email', TEAM[0] as string, '--webhook', 'https://hooks.example.com/x', '--smtp', smtp],
      'give --webhook or --email, not both: run notify once per target (each keeps its own place)',
    );
    await refused(
      ['--email', 'team@example.com,not an address', '--smtp', smtp],
      '--email "not an address": not an e-mail address',
    );
    await refused(['--email', TEAM[0] as string], 'LAPSE_SMTP_URL: must be an smtp:// or smtps:// URL, not ftp://', {
      LAPSE_SMTP_URL: `ftp://${USER}:${encodeURIComponent(PASSWORD)}@localhost:21`,
    });
    await refused(
      ['--email', TEAM[0] as string, '--smtp', `smtp://localhost:${receiver.port}`],
      "--from <address> is required: the SMTP URL's user name is not an e-mail address",
    );
    await refused(['--email', TEAM[0] as string, '--smtp', smtp, '--format', 'slack'], '--format is for --webhook');
    await refused(
      ['--webhook', 'https://hooks.example.com/x', '--secret', 's', '--attach', 'xlsx'],
      '--attach is for --email',
    );
    await refused(
      [
        '--email',
        TEAM[0] as string,
        '--smtp',
        smtpUrl(receiver.port, PASSWORD, 'smtps'),
        '--smtp-starttls',
        'opportunistic',
      ],
      '--smtp-starttls is for smtp:// URLs: smtps:// is TLS from the first byte',
    );
  }, 120_000);
});
