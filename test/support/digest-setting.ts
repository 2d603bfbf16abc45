// What a digest test needs for its suite: a test server on one database kind, a webhook receiver and a home
// directory for the CLI, started before the suite's tests and stopped after them. Read the fields inside tests.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { DatabaseKind } from './databases.js';
import { startTestServer, type TestServer } from './test-server.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

export interface DigestSetting {
  server: TestServer;
  receiver: WebhookReceiver;
  home: string;
}

export function useDigestSetting(
  kind: DatabaseKind,
  options: { companies: number; seed: number; today: string; prefix: string },
): DigestSetting {
  const { prefix, ...seeding } = options;
  const setting = {} as DigestSetting;
  beforeAll(async () => {
    setting.home = await mkdtemp(join(tmpdir(), prefix));
    setting.server = await startTestServer({ kind, ...seeding });
    setting.receiver = await startWebhookReceiver();
  }, 180_000);
  afterAll(async () => {
    await setting.server?.close();
    await setting.receiver?.close();
    if (setting.home !== undefined) await rm(setting.home, { recursive: true, force: true });
  });
  return setting;
}
