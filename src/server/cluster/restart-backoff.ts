// When the primary starts a worker again after one died: soon after a worker that had been running a while, and
// ever later while workers keep dying young, so a crash at start-up (a bad file, a database away) does not spin.

export interface BackoffOptions {
  /** Delay after the first early death, doubled after each one that follows. */
  firstDelayMs: number;
  maxDelayMs: number;
  /** A worker that lived this long was healthy: its death starts the doubling over. */
  healthyAfterMs: number;
}

export const RESTART_BACKOFF: BackoffOptions = { firstDelayMs: 100, maxDelayMs: 10_000, healthyAfterMs: 10_000 };

export interface RestartBackoff {
  /** The delay before starting a replacement for a worker that lived `livedMs`. */
  delayAfterExit(livedMs: number): number;
}

export function createRestartBackoff(options: BackoffOptions = RESTART_BACKOFF): RestartBackoff {
  let earlyDeaths = 0;
  return {
    delayAfterExit(livedMs) {
      earlyDeaths = livedMs >= options.healthyAfterMs ? 0 : earlyDeaths + 1;
      return Math.min(options.maxDelayMs, options.firstDelayMs * 2 ** Math.max(0, earlyDeaths - 1));
    },
  };
}
