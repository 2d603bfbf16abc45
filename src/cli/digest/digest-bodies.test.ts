import { describe, expect, it } from 'vitest';
import type { CompanyFacts } from '../../history/index.js';
import type { ChangeRow } from '../commands/changes-output.js';
import type { Digest } from './digest.js';
import { EMAIL_LISTED_CHANGES, emailContentOf } from './email-message.js';
import { SLACK_LISTED_CHANGES, slackBodyOf } from './slack.js';

const facts = (name: string, renewalDay: string): CompanyFacts => ({
  companyResourceId: `id-${name}`,
  companyName: name,
  resellerName: 'Reseller <One>',
  licenceType: 'Paid',
  renewalDay,
  userLimit: 10,
  targetUserCount: 5,
});

function digestOf(names: readonly string[]): Digest {
  const rows: ChangeRow[] = names.map((name) => ({
    kind: 'renewed',
    companyResourceId: `id-${name}`,
    companyName: name,
    resellerName: 'Reseller <One>',
    before: facts(name, '2026-04-01'),
    after: facts(name, '2027-04-01'),
    renewedByDays: 365,
    lifecycle: null,
    acknowledgedUntil: null,
    leadWindow: null,
  }));
  const since = {
    id: 3,
    server: 'https://api.example.com',
    companyCount: 100,
    takenAt: '2026-03-03T08:00:00.000Z',
    asOf: '2026-03-03',
    timeZone: 'UTC',
    view: 'scope',
    isWholeScope: true,
    strategy: 'scope',
    reason: 'every page',
  };
  return {
    report: {
      since,
      asOf: '2026-03-10',
      timeZone: 'UTC',
      withinDays: 30,
      companyCount: 100,
      recorded: undefined,
      changes: rows,
      silenced: [],
      acknowledgements: new Map(),
      digestId: 'digest-1',
      warnings: [],
    },
    rows,
    scope: 'every company the credential sees',
  };
}

type Block = { type: string; text?: { type: string; text: string }; elements?: { text: string }[] };
const blocksOf = (digest: Digest) => slackBodyOf(digest).blocks as Block[];

describe('the Slack body', () => {
  it('escapes &, < and > in every mrkdwn text, and leaves the plain-text header as it is', () => {
    const body = slackBodyOf(digestOf(['<b>& Co', '<!channel>']));
    const texts = (body.blocks as Block[]).filter((block) => block.text?.type === 'mrkdwn').map((b) => b.text?.text);
    expect(texts.join('\n')).toContain(
      '*&lt;b&gt;&amp; Co* (Reseller &lt;One&gt;): 2026-04-01 → 2027-04-01 (+365 days)',
    );
    expect(texts.join('\n')).toContain('*&lt;!channel&gt;*');
    expect(texts.join('\n')).not.toMatch(/<|>/);
    expect(body.text).toBe('lapse: 2 changes since 2026-03-03: 2 renewed');
  });

  it(`lists at most ${SLACK_LISTED_CHANGES} changes and counts the rest`, () => {
    const names = Array.from({ length: 57 }, (_, index) => `Company ${index}`);
    const blocks = blocksOf(digestOf(names));
    const listed = blocks[2]?.text?.text.split('\n') ?? [];
    expect(listed).toHaveLength(SLACK_LISTED_CHANGES);
    expect(listed[0]).toBe('• renewed *Company 0* (Reseller &lt;One&gt;): 2026-04-01 → 2027-04-01 (+365 days)');
    expect(blocks[3]).toEqual({
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `and ${57 - SLACK_LISTED_CHANGES} more` }],
    });
  });

  it("keeps every section within Slack's 3,000 characters and the header within 150, whatever the names", () => {
    const names = Array.from({ length: 30 }, (_, index) => `${'&'.repeat(400)} ${index}`);
    const blocks = blocksOf(digestOf(names));
    for (const block of blocks) {
      if (block.type === 'section') expect(block.text?.text.length).toBeLessThanOrEqual(3000);
      if (block.type === 'header') expect(block.text?.text.length).toBeLessThanOrEqual(150);
    }
    const listed = blocks[2]?.text?.text.split('\n') ?? [];
    expect(blocks[3]?.elements?.[0]?.text).toBe(`and ${30 - listed.length} more`);
  });

  it('says "nothing changed" with no list when nothing did', () => {
    const body = slackBodyOf(digestOf([]));
    expect(body.text).toBe('lapse: nothing changed since 2026-03-03');
    expect((body.blocks as Block[]).map((block) => block.type)).toEqual(['header', 'section']);
  });
});

describe('the e-mail', () => {
  it(`lists the first ${EMAIL_LISTED_CHANGES} changes in both parts and attaches every one`, async () => {
    const names = Array.from({ length: 130 }, (_, index) => `Company ${index} <&>`);
    const content = await emailContentOf(digestOf(names), 'csv');
    expect(content.subject).toBe('lapse: 130 changes since 2026-03-03: 130 renewed');
    expect(content.text).toContain('Company 99 <&>');
    expect(content.text).not.toContain('Company 100 ');
    expect(content.text).toMatch(/\nand 30 more: every change is in the attached lapse-changes-2026-03-10\.csv\.\n$/);
    expect(content.html.match(/<tr>/g)).toHaveLength(EMAIL_LISTED_CHANGES + 1);
    expect(content.html).toContain('<td>Company 0 &lt;&amp;&gt;</td>');
    expect(content.html).not.toContain('<&>');
    const csv = content.attachments[0]?.content.toString('utf8') ?? '';
    expect(csv.trim().split('\r\n')).toHaveLength(131);
  });
});

describe('the title', () => {
  it('says how many acknowledged companies were left out, and never "nothing changed" when some were', async () => {
    const silencedOf = (digest: Digest, names: readonly string[]): Digest => {
      const left = digestOf(names).report.changes;
      return { ...digest, report: { ...digest.report, silenced: left } };
    };
    const some = silencedOf(digestOf(['A']), ['B', 'C']);
    expect(slackBodyOf(some).text).toBe('lapse: 1 change since 2026-03-03: 1 renewed; 2 acknowledged, not sent');
    const none = silencedOf(digestOf([]), ['B']);
    expect((await emailContentOf(none, 'csv')).subject).toBe(
      'lapse: 0 changes since 2026-03-03: nothing; 1 acknowledged, not sent',
    );
  });
});
