// The e-mail a digest becomes: a plain-text part (the table `lapse changes` prints), an HTML part (the same table,
// every value escaped: company names are whatever a customer typed), and every change attached as the CSV or
// Excel file `lapse changes --format csv|xlsx` writes. The body lists the first changes; the file holds them all.
import type { CalendarDay } from '../../contract/index.js';
import type { SpreadsheetFormat } from '../../spreadsheet/index.js';
import { CHANGE_TABLE, type ChangeRow, streamChangeSpreadsheet } from '../commands/changes-output.js';
import { renderRows } from '../output/index.js';
import { type Digest, digestComparison, digestTitle } from './digest.js';

/** Changes shown in the body; the attachment holds every one. */
export const EMAIL_LISTED_CHANGES = 100;

const CONTENT_TYPES: Record<SpreadsheetFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
  attachments: { filename: string; content: Buffer; contentType: string }[];
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] as string);
}

async function attachmentOf(digest: Digest, format: SpreadsheetFormat) {
  const chunks: Buffer[] = [];
  for await (const chunk of streamChangeSpreadsheet(format, digest.rows)) chunks.push(Buffer.from(chunk));
  const filename = `lapse-changes-${digest.report.asOf}.${format}`;
  return { filename, content: Buffer.concat(chunks), contentType: CONTENT_TYPES[format] };
}

function htmlTable(rows: readonly ChangeRow[], asOf: CalendarDay): string {
  const line = (tag: string, values: readonly string[]) =>
    `<tr>${values.map((value) => `<${tag}>${escapeHtml(value)}</${tag}>`).join('')}</tr>`;
  const lines = [
    line(
      'th',
      CHANGE_TABLE.map((column) => column.head),
    ),
    ...rows.map((row) =>
      line(
        'td',
        CHANGE_TABLE.map((column) => column.cell(row, asOf)),
      ),
    ),
  ];
  return `<table border="1" cellpadding="4" cellspacing="0">\n${lines.join('\n')}\n</table>`;
}

const paragraphs = (lines: readonly string[]) => lines.map((line) => `<p>${escapeHtml(line)}</p>`);

export async function emailContentOf(digest: Digest, format: SpreadsheetFormat): Promise<EmailContent> {
  const title = digestTitle(digest);
  const subject = `lapse: ${title}`;
  const comparison = digestComparison(digest);
  const shown = digest.rows.slice(0, EMAIL_LISTED_CHANGES);
  if (shown.length === 0) {
    const html = [...paragraphs([title, ...comparison]), ''].join('\n');
    return { subject, text: `${[title, '', ...comparison].join('\n')}\n`, html, attachments: [] };
  }
  const attachment = await attachmentOf(digest, format);
  const more = digest.rows.length - shown.length;
  const closing = `${more > 0 ? `and ${more} more: every` : 'Every'} change is in the attached ${attachment.filename}.`;
  const table = renderRows(CHANGE_TABLE, shown, digest.report.asOf);
  return {
    subject,
    text: `${[title, '', ...comparison, '', table, closing].join('\n')}\n`,
    html: [
      ...paragraphs([title, ...comparison]),
      htmlTable(shown, digest.report.asOf),
      ...paragraphs([closing]),
      '',
    ].join('\n'),
    attachments: [attachment],
  };
}
