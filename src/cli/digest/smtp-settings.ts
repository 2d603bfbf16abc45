// Where and how an e-mail digest is sent, from --smtp (or LAPSE_SMTP_URL), --smtp-starttls, --smtp-ca and --from:
// `smtp://` is STARTTLS (required unless told otherwise), `smtps://` TLS from the first byte. Certificates are
// always checked: a server with a certificate of its own is trusted by naming its CA, never by checking nothing.
import { readFile } from 'node:fs/promises';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import { UsageError } from '../exit-codes.js';

export const STARTTLS_CHOICES = ['required', 'opportunistic'] as const;
export type StartTlsChoice = (typeof STARTTLS_CHOICES)[number];

export interface SmtpInput {
  url: string | undefined;
  /** The flag or variable the URL came from, for messages. */
  urlSource: string;
  startTls: StartTlsChoice | undefined;
  caFile: string | undefined;
  from: string | undefined;
}

export interface SmtpSettings {
  /** `smtp://host:port`: the server, for messages (never the user name or password). */
  server: string;
  transport: SMTPTransportOptions;
  from: string;
  /** Kept out of every message, whatever a server or library says. */
  password: string | undefined;
}

const DEFAULT_PORTS: Record<string, number> = { 'smtp:': 587, 'smtps:': 465 };
const CONNECT_TIMEOUT_MS = 10_000;
const IDLE_TIMEOUT_MS = 30_000;

// An addr-spec without comments, quotes or display names: what a person types on a command line.
const ADDRESS = /^[^\s@<>,;:"()[\]\\]+@[^\s@<>,;:"()[\]\\]+$/;

export function parseAddress(text: string, flag: string): string {
  if (!ADDRESS.test(text)) throw new UsageError(`${flag} ${JSON.stringify(text)}: not an e-mail address`);
  return text;
}

/** --email TO[,TO…]: each address once, in the order given. */
export function parseRecipients(text: string): string[] {
  const addresses = text
    .split(',')
    .map((address) => address.trim())
    .filter((address) => address !== '');
  if (addresses.length === 0) throw new UsageError('--email: no address given');
  return [...new Set(addresses.map((address) => parseAddress(address, '--email')))];
}

/** The history's key for a set of recipients: the same people in any order are one target. */
export function mailtoKeyOf(recipients: readonly string[]): string {
  return `mailto:${[...new Set(recipients.map((address) => address.toLowerCase()))].sort().join(',')}`;
}

function smtpUrlOf(input: SmtpInput): URL {
  if (input.url === undefined || input.url === '') {
    throw new UsageError('--smtp <url> (or LAPSE_SMTP_URL) is required with --email');
  }
  let url: URL;
  try {
    url = new URL(input.url);
  } catch {
    // Not echoed: the text may hold a password.
    throw new UsageError(`${input.urlSource}: not a URL (smtp://user:password@host:587 or smtps://…:465)`);
  }
  if (!(url.protocol in DEFAULT_PORTS)) {
    throw new UsageError(`${input.urlSource}: must be an smtp:// or smtps:// URL, not ${url.protocol}//`);
  }
  if (url.hostname === '' || (url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    throw new UsageError(`${input.urlSource}: give only user, password, host and port (smtp://user:password@host:587)`);
  }
  return url;
}

async function caOf(file: string | undefined): Promise<string | undefined> {
  if (file === undefined) return undefined;
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`--smtp-ca ${file} cannot be read (${(error as Error).message})`);
  }
}

export async function smtpSettingsOf(input: SmtpInput): Promise<SmtpSettings> {
  const url = smtpUrlOf(input);
  const isTls = url.protocol === 'smtps:';
  if (isTls && input.startTls !== undefined) {
    throw new UsageError('--smtp-starttls is for smtp:// URLs: smtps:// is TLS from the first byte');
  }
  const port = url.port === '' ? (DEFAULT_PORTS[url.protocol] as number) : Number(url.port);
  const user = decodeURIComponent(url.username);
  const password = url.password === '' ? undefined : decodeURIComponent(url.password);
  if (user !== '' && password === undefined) {
    throw new UsageError(`${input.urlSource}: names a user but no password (smtp://user:password@host:587)`);
  }
  const from = input.from ?? (user.includes('@') ? user : undefined);
  if (from === undefined) {
    throw new UsageError("--from <address> is required: the SMTP URL's user name is not an e-mail address");
  }
  const ca = await caOf(input.caFile);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    server: `${url.protocol}//${url.hostname}:${port}`,
    from: parseAddress(from, '--from'),
    password,
    transport: {
      host,
      port,
      secure: isTls,
      // Required: a server that offers no STARTTLS (or an attacker who strips the offer) gets nothing sent in
      // clear. Opportunistic: STARTTLS when offered; an offered upgrade that fails still fails the send.
      requireTLS: !isTls && input.startTls !== 'opportunistic',
      opportunisticTLS: false,
      ...(user === '' ? {} : { auth: { user, pass: password } }),
      tls: ca === undefined ? {} : { ca },
      connectionTimeout: CONNECT_TIMEOUT_MS,
      greetingTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: IDLE_TIMEOUT_MS,
    },
  };
}
