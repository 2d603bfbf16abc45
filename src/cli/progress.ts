// Progress for long listings: a bar on stderr when stderr is a terminal, nothing at all when it is piped.
import cliProgress from 'cli-progress';
import type { ListingProgress } from '../client/index.js';

export interface ProgressReporter {
  update(progress: ListingProgress): void;
  stop(): void;
}

const SILENT: ProgressReporter = { update() {}, stop() {} };

export function createProgress(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (!stream.isTTY) return SILENT;
  const bar = new cliProgress.SingleBar(
    { stream, format: '{strategy} [{bar}] page {value}/{total} | {kept} kept of {seen} read', clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  let isStarted = false;
  return {
    update(progress) {
      const payload = { strategy: progress.strategy, kept: progress.kept, seen: progress.seen };
      if (!isStarted) {
        bar.start(Math.max(1, progress.totalNumberOfPages), progress.pageNumber, payload);
        isStarted = true;
        return;
      }
      bar.setTotal(Math.max(1, progress.totalNumberOfPages));
      bar.update(progress.pageNumber, payload);
    },
    stop() {
      if (isStarted) bar.stop();
    },
  };
}
