// A real SMTP server for the e-mail tests (smtp-server, on a free loopback port): STARTTLS with a self-signed
// certificate made by openssl, AUTH PLAIN and LOGIN checking one user and password, and every message it accepts
// parsed with mailparser. What it answers can be changed between runs: refuse recipients or the message (550),
// ask to try later (451), or offer no STARTTLS.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Certificate {
  key: string;
  cert: string;
  /** The certificate's file: what --smtp-ca names. */
  certFile: string;
}

/** A self-signed certificate for localhost and 127.0.0.1, valid for a day. */
export async function makeSelfSignedCertificate(directory: string): Promise<Certificate> {
  const keyFile = join(directory, 'smtp-key.pem');
  const certFile = join(directory, 'smtp-cert.pem');
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=DNS:localhost,IP:127.0.0.1',
  ]);
  return { key: await readFile(keyFile, 'utf8'), cert: await readFile(certFile, 'utf8'), certFile };
}

export interface ReceivedMail {
  parsed: ParsedMail;
  /** RCPT TO addresses, as the envelope carried them. */
  recipients: string[];
  /** Whether the session was on TLS when it authenticated. */
  wasSecureAtAuth: boolean;
  authMethod: string | undefined;
}

export interface SmtpReceiverOptions {
  certificate: Certificate;
  user: string;
  password: string;
  /** TLS from the first byte (smtps) instead of STARTTLS. */
  isImplicitTls?: boolean;
  authMethods?: string[];
}

export interface SmtpReceiver {
  port: number;
  received: ReceivedMail[];
  /** What the next sessions answer: 'rcpt' 550 to RCPT TO, 'data' 550 to the message, 'later' 451 to it. */
  refusal: 'rcpt' | 'data' | 'later' | undefined;
  /** Recipients refused with 550 whatever `refusal` says. */
  refusedRecipients: Set<string>;
  close(): Promise<void>;
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpReceiver(options: SmtpReceiverOptions, extra: { noStartTls?: boolean } = {}) {
  const receiver: SmtpReceiver = {
    port: 0,
    received: [],
    refusal: undefined,
    refusedRecipients: new Set(),
    close: async () => {},
  };
  const authAt = new Map<string, { isSecure: boolean; method: string }>();
  const server = new SMTPServer({
    key: options.certificate.key,
    cert: options.certificate.cert,
    secure: options.isImplicitTls === true,
    authMethods: options.authMethods ?? ['PLAIN', 'LOGIN'],
    ...(extra.noStartTls ? { disabledCommands: ['STARTTLS'], allowInsecureAuth: true } : {}),
    logger: false,
    onAuth(auth, session, callback) {
      if (auth.username !== options.user || auth.password !== options.password) {
        return callback(smtpError(535, 'Authentication failed'));
      }
      authAt.set(session.id, { isSecure: session.secure, method: auth.method });
      callback(null, { user: auth.username });
    },
    onRcptTo(address, _session, callback) {
      if (receiver.refusal === 'rcpt' || receiver.refusedRecipients.has(address.address)) {
        return callback(smtpError(550, `5.1.1 <${address.address}>: mailbox unavailable`));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (receiver.refusal === 'data') return callback(smtpError(550, '5.7.1 message refused'));
        if (receiver.refusal === 'later') return callback(smtpError(451, '4.3.0 try again later'));
        const auth = authAt.get(session.id);
        simpleParser(Buffer.concat(chunks)).then(
          (parsed) => {
            receiver.received.push({
              parsed,
              recipients: session.envelope.rcptTo.map((address) => address.address),
              wasSecureAtAuth: auth?.isSecure ?? false,
              authMethod: auth?.method,
            });
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });
  // A client hanging up mid-handshake is the client's failure, not the test's.
  server.on('error', () => {});
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  receiver.port = (server.server.address() as AddressInfo).port;
  receiver.close = () => new Promise<void>((done) => server.close(() => done()));
  return receiver;
}
