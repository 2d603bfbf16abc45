// Progress for long listings: a bar on stderr when stderr is a terminal, nothing at all when it is piped.
import cliProgress from 'cli-progress';
import type { ListingProgress } from '../client/index.js';

export interface ProgressReporter {
  update(progress: ListingProgress): void;
  stop(): void;
}

const SILENT: ProgressReporter = { update() {}, stop() {} };

/**
 * "server-filter: page 3 of 10, 3000 rows read". Only what is known when a page arrives: the rows kept are
 * counted after the page has been checked, so a count of them here would always lag a page behind.
 */
export function describeProgress(progress: ListingProgress): string {
  const pages = Math.max(progress.pageNumber, progress.totalNumberOfPages);
  const rows = progress.seen === 1 ? 'row' : 'rows';
  return `${progress.strategy}: page ${progress.pageNumber} of ${pages}, ${progress.seen} ${rows} read`;
}

export function createProgress(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (!stream.isTTY) return SILENT;
  let latest: ListingProgress | undefined;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      clearOnComplete: true,
      format: (options, params) =>
        `[${cliProgress.Format.BarFormat(params.progress, options)}] ${latest ? describeProgress(latest) : ''}`,
    },
    cliProgress.Presets.shades_classic,
  );
  let isStarted = false;
  return {
    update(progress) {
      latest = progress;
      const total = Math.max(1, progress.totalNumberOfPages, progress.pageNumber);
      if (!isStarted) {
        bar.start(total, progress.pageNumber);
        isStarted = true;
        return;
      }
      bar.setTotal(total);
      bar.update(progress.pageNumber);
    },
    stop() {
      if (isStarted) bar.stop();
    },
  };
}
