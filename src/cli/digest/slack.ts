// The `--format slack` body: what a Slack incoming webhook accepts (`text` for notifications and clients without
// blocks, `blocks` for the message), which Teams' incoming-webhook connector shows through `text`. Slack cuts a
// section's text at 3,000 characters and a header at 150, so the body lists at most a screenful of companies and
// counts the rest.
import { describeChange } from '../commands/changes-output.js';
import { type Digest, digestComparison, digestTitle } from './digest.js';

/** Companies listed by name; the rest are counted ("and 12 more"). */
export const SLACK_LISTED_CHANGES = 20;
const SECTION_LIMIT = 3000;
const HEADER_LIMIT = 150;

/** Slack's mrkdwn: `&`, `<` and `>` are control characters (links, mentions), everything else is text. */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

const cut = (text: string, limit: number) => (text.length <= limit ? text : `${text.slice(0, limit - 1)}…`);

function changeLine(row: Digest['rows'][number]): string {
  const [before, after] = describeChange(row);
  const reseller = row.resellerName === null ? '' : ` (${escapeMrkdwn(cut(row.resellerName, 60))})`;
  const values = before === '' && after === '' ? '' : `: ${escapeMrkdwn(`${before} → ${after}`)}`;
  return `• ${row.kind} *${escapeMrkdwn(cut(row.companyName, 80))}*${reseller}${values}`;
}

/** The first changes as lines, as many as fit one section; how many were left out. */
function listedChanges(digest: Digest): { text: string; more: number } {
  const lines: string[] = [];
  let length = 0;
  for (const row of digest.rows.slice(0, SLACK_LISTED_CHANGES)) {
    const line = changeLine(row);
    if (length + line.length + 1 > SECTION_LIMIT) break;
    lines.push(line);
    length += line.length + 1;
  }
  return { text: lines.join('\n'), more: digest.rows.length - lines.length };
}

export function slackBodyOf(digest: Digest): { text: string; blocks: unknown[] } {
  const title = `lapse: ${digestTitle(digest)}`;
  const mrkdwn = (text: string) => ({ type: 'mrkdwn', text });
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: cut(title, HEADER_LIMIT) } },
    { type: 'section', text: mrkdwn(escapeMrkdwn(digestComparison(digest).join('\n'))) },
  ];
  const { text, more } = listedChanges(digest);
  if (text !== '') blocks.push({ type: 'section', text: mrkdwn(text) });
  if (more > 0) blocks.push({ type: 'context', elements: [mrkdwn(`and ${more} more`)] });
  return { text: escapeMrkdwn(title), blocks };
}
