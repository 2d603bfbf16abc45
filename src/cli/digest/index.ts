// Digests of what changed, delivered on their own: to a webhook (signed JSON or a Slack message) or by e-mail.
export { DeliveryFailure, type RetryPolicy, withRetries } from './delivery-retries.js';
export { type Digest, digestComparison, digestTitle } from './digest.js';
export {
  type DigestRun,
  type DigestTarget,
  emailTarget,
  sendDigest,
  WEBHOOK_FORMATS,
  type WebhookFormat,
  webhookTarget,
} from './digest-target.js';
export { deliverEmail, type EmailDelivery } from './email.js';
export { EMAIL_LISTED_CHANGES, type EmailContent, emailContentOf, escapeHtml } from './email-message.js';
export { escapeMrkdwn, SLACK_LISTED_CHANGES, slackBodyOf } from './slack.js';
export {
  mailtoKeyOf,
  parseRecipients,
  type SmtpSettings,
  STARTTLS_CHOICES,
  type StartTlsChoice,
  smtpSettingsOf,
} from './smtp-settings.js';
export { deliverWebhook, SIGNATURE_HEADER, signatureOf, TIMESTAMP_HEADER, type WebhookDelivery } from './webhook.js';
