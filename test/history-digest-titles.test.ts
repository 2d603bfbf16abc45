// One description of a digest, whatever carries it: with acknowledged companies left out, `lapse notify` over real
// HTTP says how many in the JSON digest's `counts`, the Slack message's header and text, and the e-mail's subject
// and first line, in the same words, on SQLite and PostgreSQL. Each target starts from a history of its own with
// the same snapshot and acknowledgements, so each digest holds the same changes.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_KINDS } from './support/databases.js';
import { useDigestSetting } from './support/digest-setting.js';
import { renewCompanyBelow } from './support/renew-company.js';
import { resellerEnvironment, runCli } from './support/run-cli.js';
import { makeSelfSignedCertificate, type SmtpReceiver, startSmtpReceiver } from './support/smtp-receiver.js';

const SEED_TODAY = '2026-03-10';
const PINNED_NOW = '2026-03-10T12:00:00Z';
const USER = 'digest@example.com';
const PASSWORD = 'secret';
const COUNTS = '1 renewed; 2 acknowledged, not sent';
const TITLE = `1 change since ${SEED_TODAY}: ${COUNTS}`;

type Block = { type: string; text?: { text: string } };

describe.each(DATABASE_KINDS)('a digest that leaves acknowledged companies out, on %s', (kind) => {
  const setting = useDigestSetting(kind, { companies: 200, seed: 29, today: SEED_TODAY, prefix: 'lapse-titles-' });
  let smtp: SmtpReceiver;
  let certificateFile: string;

  beforeAll(async () => {
    const certificate = await makeSelfSignedCertificate(setting.home);
    certificateFile = certificate.certFile;
    smtp = await startSmtpReceiver({ certificate, user: USER, password: PASSWORD });
  });
  afterAll(() => smtp?.close());

  const cliIn = (history: string) => (args: string[]) =>
    runCli(
      [...args, '--as-of', SEED_TODAY],
      setting.home,
      resellerEnvironment(setting.server, {
        LAPSE_NOW: PINNED_NOW,
        LAPSE_HISTORY: join(setting.home, `${history}.db`),
        LAPSE_SMTP_URL: `smtp://${encodeURIComponent(USER)}:${PASSWORD}@localhost:${smtp.port}`,
      }),
    );

  it('says how many were acknowledged and not sent in the JSON, the Slack header and text, and the e-mail subject', async () => {
    const targets = {
      json: ['--webhook', `${setting.receiver.url}/json`, '--secret', 's'],
      slack: ['--webhook', `${setting.receiver.url}/slack`, '--secret', 's', '--format', 'slack'],
      email: ['--email', 'team@example.com', '--smtp-ca', certificateFile],
    };
    const clis = Object.fromEntries(Object.keys(targets).map((name) => [name, cliIn(name)]));
    for (const cli of Object.values(clis)) expect((await cli(['snapshot'])).code).toBe(0);
    const [held, dated, sent] = [
      await renewCompanyBelow(setting.server, SEED_TODAY, 0),
      await renewCompanyBelow(setting.server, SEED_TODAY, 1),
      await renewCompanyBelow(setting.server, SEED_TODAY, 2),
    ];
    for (const cli of Object.values(clis)) {
      for (const id of [held, dated]) expect((await cli(['ack', id, '--for', '2d'])).code).toBe(0);
    }
    for (const [name, args] of Object.entries(targets)) {
      const result = await clis[name]?.(['notify', ...args, '--backoff', '0']);
      expect([result?.code, result?.stderr]).toEqual([0, '']);
      expect(result?.stdout).toMatch(new RegExp(`^sent 1 change since snapshot 1 \\(${COUNTS}\\) to `));
    }

    const [json, slack] = setting.receiver.received.map((post) => JSON.parse(post.body));
    expect(json.counts).toBe(COUNTS);
    expect(json.changes.map((change: { companyResourceId: string }) => change.companyResourceId)).toEqual([sent]);
    expect(slack.text).toBe(`lapse: ${TITLE}`);
    expect((slack.blocks as Block[]).find((block) => block.type === 'header')?.text?.text).toBe(`lapse: ${TITLE}`);
    const [mail] = smtp.received;
    expect(mail?.parsed.subject).toBe(`lapse: ${TITLE}`);
    expect(mail?.parsed.text?.split('\n')[0]).toBe(TITLE);
  }, 120_000);
});
