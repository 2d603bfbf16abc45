// Waiting for a condition that becomes true on its own (a server recovering, a descriptor being closed), with
// a bound: every wait in the tests ends, in success or in a failure that says what never happened.

export interface PollOptions {
  /** What is awaited, for the failure message. */
  what: string;
  timeoutMs: number;
  intervalMs?: number;
}

/** Calls `check` until it returns a value other than undefined, and returns that value. */
export async function pollUntil<T>(check: () => Promise<T | undefined> | T | undefined, options: PollOptions) {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`gave up after ${options.timeoutMs} ms waiting for ${options.what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 100));
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
