// A digest's delivery by e-mail over SMTP (nodemailer): one message to every recipient, retried with backoff while
// the server cannot be reached or answers "try later" (4xx). It counts as delivered only when the server accepted
// it for every recipient: a digest some recipient did not get is sent to all of them again next run.
import nodemailer from 'nodemailer';
import type { NodemailerError } from 'nodemailer/lib/errors';
import { AuthError, NetworkError, ServerError } from '../../client/index.js';
import { DeliveryFailure, type RetryPolicy, withRetries } from './delivery-retries.js';
import type { EmailContent } from './email-message.js';
import type { SmtpSettings } from './smtp-settings.js';

export interface EmailDelivery extends RetryPolicy {
  smtp: SmtpSettings;
  to: readonly string[];
  content: EmailContent;
  /** The clock (epoch ms): the message's Date. */
  now: () => number;
}

const networkError = (message: string) => new NetworkError(message);
const serverError = (message: string) => new ServerError(message);
const authError = (message: string) => new AuthError(message);

/** The server's reply (or the library's words) on one line, without the password whatever it says. */
function replyOf(error: NodemailerError, smtp: SmtpSettings): string {
  const text = (error.response ?? error.message).replaceAll(/\s*\r?\n\s*/g, ' ').trim();
  return smtp.password === undefined ? text : text.replaceAll(smtp.password, '(password)');
}

function isCertificateFailure(error: NodemailerError): boolean {
  const code = error.originalCode ?? '';
  return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ALTNAME/.test(code);
}

function failureOf(error: NodemailerError, smtp: SmtpSettings): DeliveryFailure {
  const reply = replyOf(error, smtp);
  const cannotReach = `cannot reach SMTP server ${smtp.server}`;
  if (error.code === 'EAUTH') {
    return new DeliveryFailure(
      `SMTP server ${smtp.server} refused the user name or password (${reply})`,
      false,
      authError,
    );
  }
  if (error.code === 'ETLS' && error.command === 'STARTTLS') {
    const hint = '--smtp-starttls opportunistic sends without it';
    return new DeliveryFailure(`${cannotReach}: it does not offer STARTTLS (${reply}); ${hint}`, false, networkError);
  }
  if (isCertificateFailure(error)) {
    const hint = 'name the CA that signed it with --smtp-ca';
    return new DeliveryFailure(
      `${cannotReach}: its certificate is not trusted (${reply}); ${hint}`,
      false,
      networkError,
    );
  }
  if (error.responseCode !== undefined) {
    const what = error.code === 'EENVELOPE' ? 'every recipient' : 'the message';
    return new DeliveryFailure(
      `SMTP server ${smtp.server} rejected ${what} (${reply})`,
      error.permanent !== true,
      serverError,
    );
  }
  return new DeliveryFailure(`${cannotReach}: ${reply}`, true, networkError);
}

async function sendOnce(delivery: EmailDelivery): Promise<string> {
  const { smtp } = delivery;
  const transport = nodemailer.createTransport(smtp.transport);
  try {
    const info = await transport.sendMail({
      from: smtp.from,
      to: [...delivery.to],
      date: new Date(delivery.now()),
      ...delivery.content,
    });
    const rejected = (info.rejected ?? []).map(String);
    if (rejected.length > 0) {
      const reason = info.rejectedErrors?.[0];
      const because = reason === undefined ? '' : ` (${replyOf(reason, smtp)})`;
      throw new DeliveryFailure(
        `SMTP server ${smtp.server} rejected ${rejected.join(', ')}${because}; the others received it`,
        false,
        serverError,
      );
    }
    return replyOf({ name: 'reply', message: info.response }, smtp);
  } catch (error) {
    if (error instanceof DeliveryFailure) throw error;
    throw failureOf(error as NodemailerError, smtp);
  } finally {
    transport.close();
  }
}

/** Sends until the server accepts the message for every recipient; resolves with its reply ("250 OK …"). */
export function deliverEmail(delivery: EmailDelivery): Promise<string> {
  return withRetries(() => sendOnce(delivery), delivery);
}
