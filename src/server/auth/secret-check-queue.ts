// Bounds how many slow secret checks (scrypt) run at once and how many wait, so a burst of token requests cannot
// fill the thread pool for everyone. Callers from addresses with no recent failures go ahead of the others: a
// guesser's queue never delays the tenant whose secret is right.

export interface SecretCheckQueue {
  /** Runs `check` when a slot is free; `undefined` when too many already wait (the caller answers 429). */
  run<T>(check: () => Promise<T>, isPriority: boolean): Promise<T | undefined>;
}

export interface SecretCheckQueueLimits {
  /** Checks running at once (scrypt runs on libuv's thread pool, four threads by default). */
  concurrency: number;
  /** Checks waiting in each of the two lines before more are turned away. */
  maxWaiting: number;
}

export function createSecretCheckQueue({ concurrency, maxWaiting }: SecretCheckQueueLimits): SecretCheckQueue {
  let running = 0;
  const priority: Array<() => void> = [];
  const others: Array<() => void> = [];

  const release = () => {
    running -= 1;
    const next = priority.shift() ?? others.shift();
    if (next) {
      running += 1;
      next();
    }
  };

  return {
    async run(check, isPriority) {
      if (running >= concurrency) {
        const line = isPriority ? priority : others;
        if (line.length >= maxWaiting) return undefined;
        await new Promise<void>((resolve) => line.push(resolve));
      } else {
        running += 1;
      }
      try {
        return await check();
      } finally {
        release();
      }
    },
  };
}
