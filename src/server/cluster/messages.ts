// What the primary and its workers tell each other besides rate-limit decisions (rate-limit/primary-buckets.ts).

/** For /readyz: workers listening now, and how many the server runs when all is well. */
export interface WorkerCounts {
  ready: number;
  wanted: number;
}

/** Primary to every worker, whenever a worker starts listening or exits. */
export interface CountsMessage extends WorkerCounts {
  lapse: 'workers';
}

/** Worker to primary: it could not start, and why, in the one line the operator should read. */
export interface StartFailedMessage {
  lapse: 'start-failed';
  message: string;
  exitCode: number;
}

/** Worker to primary, once it has loaded, before it opens the database: may it? Asked, so no answer is missed. */
export interface SharedStateQuestion {
  lapse: 'shared-state?';
}

/** Primary to a worker that asked: the schema and the first signing key are there. */
export interface SharedStateMessage {
  lapse: 'shared-state';
}

export function isCountsMessage(message: unknown): message is CountsMessage {
  const m = message as Partial<CountsMessage> | null;
  return m?.lapse === 'workers' && typeof m.ready === 'number' && typeof m.wanted === 'number';
}

export function isStartFailedMessage(message: unknown): message is StartFailedMessage {
  const m = message as Partial<StartFailedMessage> | null;
  return m?.lapse === 'start-failed' && typeof m.message === 'string' && typeof m.exitCode === 'number';
}

export function isSharedStateQuestion(message: unknown): message is SharedStateQuestion {
  return (message as Partial<SharedStateQuestion> | null)?.lapse === 'shared-state?';
}

export function isSharedStateMessage(message: unknown): message is SharedStateMessage {
  return (message as Partial<SharedStateMessage> | null)?.lapse === 'shared-state';
}
