// Reads a response envelope tolerantly (contract §2 and §8): the ServiceResult `{data,status,message,
// validationMessages}`, the older `{isSuccess,data,messages}`, either in any key case, unknown status values
// and extra fields.

export interface Envelope {
  data: unknown;
  /** false when the body itself says the call failed (isSuccess:false, or a known error status). */
  isFailure: boolean;
  status: string | undefined;
  message: string | undefined;
  validationMessages: string[];
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a property whatever its key case (`data`, `Data`, `DATA`). */
export function readKey(record: Record<string, unknown>, key: string): unknown {
  if (key in record) return record[key];
  const lower = key.toLowerCase();
  for (const [name, value] of Object.entries(record)) if (name.toLowerCase() === lower) return value;
  return undefined;
}

function hasKey(record: Record<string, unknown>, key: string): boolean {
  const lower = key.toLowerCase();
  return Object.keys(record).some((name) => name.toLowerCase() === lower);
}

/** Messages arrive as strings, as `{ message }` objects, or as one string; all become lines of text. */
function readMessages(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (Array.isArray(value)) return value.flatMap(readMessages);
  if (isRecord(value)) {
    const text = readKey(value, 'message') ?? readKey(value, 'errorMessage') ?? readKey(value, 'description');
    return typeof text === 'string' ? [text] : [JSON.stringify(value)];
  }
  return [String(value)];
}

const FAILURE_STATUSES = new Set([
  'INPUT_ERROR',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'RATE_LIMITED',
  'INTERNAL_SERVER_ERROR',
  'SERVICE_UNAVAILABLE',
]);

/** A body that is not an envelope at all (a bare payload) is taken as the data. */
export function readEnvelope(body: unknown): Envelope {
  if (!isRecord(body) || !(hasKey(body, 'data') || hasKey(body, 'status') || hasKey(body, 'isSuccess'))) {
    return { data: body, isFailure: false, status: undefined, message: undefined, validationMessages: [] };
  }
  const rawStatus = readKey(body, 'status');
  const status = typeof rawStatus === 'string' ? rawStatus : undefined;
  const isSuccess = readKey(body, 'isSuccess');
  const legacyMessages = readMessages(readKey(body, 'messages'));
  const message = readKey(body, 'message');
  const validationMessages = [...readMessages(readKey(body, 'validationMessages')), ...legacyMessages];
  return {
    data: readKey(body, 'data') ?? null,
    // Unknown status values are not failures by themselves: the HTTP status decides (contract §8).
    isFailure: isSuccess === false || (status !== undefined && FAILURE_STATUSES.has(status.toUpperCase())),
    status,
    message: typeof message === 'string' && message !== '' ? message : legacyMessages[0],
    validationMessages,
  };
}
