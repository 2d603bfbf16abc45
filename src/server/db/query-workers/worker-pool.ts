// SQLite search queries on worker threads, each with a read-only connection of its own to the same file (WAL lets
// them read beside the writer), so a query that takes a second blocks one thread and never the event loop. A
// query past the time limit is answered at once and its thread replaced. better-sqlite3 cannot interrupt a
// statement from another thread, so the old thread ends when its statement does; until then its turn stays taken
// (gated-reads.ts). The gate bounds how many run at once, so the pool starts a thread whenever none is idle.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { CompiledQuery } from 'kysely';
import { ApiError } from '../../errors.js';
import { type ReadJob, type RowShape, readAfterClose } from '../search-reads/gated-reads.js';
import { searchTimedOut } from '../search-reads/search-limits.js';
import type { QueryAnswer, QueryRequest, QueryWorkerData } from './messages.js';

export interface QueryWorkerPoolOptions {
  file: string;
  timeoutMs: number;
  /** Threads kept: as many as may run at once (the gate's concurrency). */
  threads: number;
  /** Each thread's page cache, KiB. */
  cacheKib: number;
}

export interface QueryWorkerPool {
  run(query: CompiledQuery, rowShape: RowShape): ReadJob;
  /** Ends every thread; a thread inside a statement ends when that statement does. */
  close(): Promise<void>;
}

const MAX_CACHED_STATEMENTS = 200;

/**
 * The thread's module. From the TypeScript sources (tests, benchmarks) it is compiled here once, with esbuild (a
 * development dependency of the tools that run the sources), into a data: URL whose one package import is an
 * absolute file URL: starting a thread then costs what it costs from the build.
 */
let workerScript: URL | undefined;
function workerScriptUrl(): URL {
  if (workerScript) return workerScript;
  const compiled = new URL('./query-worker.js', import.meta.url);
  if (existsSync(fileURLToPath(compiled))) {
    workerScript = compiled;
    return compiled;
  }
  const require = createRequire(import.meta.url);
  const esbuild = require('esbuild') as { transformSync(code: string, options: object): { code: string } };
  const source = readFileSync(new URL('./query-worker.ts', import.meta.url), 'utf8');
  const driver = JSON.stringify(pathToFileURL(require.resolve('better-sqlite3')).href);
  const { code } = esbuild.transformSync(source, { loader: 'ts', format: 'esm' });
  const linked = code.replace(/from\s*["']better-sqlite3["']/, `from ${driver}`);
  workerScript = new URL(`data:text/javascript,${encodeURIComponent(linked)}`);
  return workerScript;
}

function spawnWorker(workerData: QueryWorkerData): Worker {
  // No options of the parent's command line: a loader it runs under (`--import tsx`) would start again in every
  // thread, and the thread's module needs none.
  return new Worker(workerScriptUrl(), { workerData, execArgv: [] });
}

/** A worker's failure as the error a connection would have thrown (its code kept: SQLITE_BUSY is a 503). */
function errorOf(failure: { message: string; code: string | undefined }): Error {
  return Object.assign(new Error(failure.message), failure.code ? { code: failure.code } : {});
}

interface Thread {
  worker: Worker;
  ready: Promise<void>;
  exited: Promise<void>;
  /** Where the answer of the query in progress goes; set while one runs. */
  onAnswer?: (answer: QueryAnswer) => void;
  onFailure?: (error: Error) => void;
}

export function createQueryWorkerPool(options: QueryWorkerPoolOptions): QueryWorkerPool {
  const idle: Thread[] = [];
  const threads = new Set<Thread>();
  let isClosed = false;

  function startThread(): Thread {
    const worker = spawnWorker({
      file: options.file,
      cacheKib: options.cacheKib,
      maxCachedStatements: MAX_CACHED_STATEMENTS,
    });
    let markReady = () => {};
    let failStart: (error: Error) => void = () => {};
    const thread: Thread = {
      worker,
      ready: new Promise<void>((resolve, reject) => {
        markReady = resolve;
        failStart = reject;
      }),
      exited: new Promise<void>((resolve) => worker.once('exit', () => resolve())),
    };
    thread.ready.catch(() => {});
    worker.on('message', (answer: QueryAnswer) => {
      if ('ready' in answer) markReady();
      else thread.onAnswer?.(answer);
    });
    const fail = (error: Error) => {
      threads.delete(thread);
      const at = idle.indexOf(thread);
      if (at >= 0) idle.splice(at, 1);
      failStart(error);
      thread.onFailure?.(error);
    };
    worker.on('error', fail);
    // Closing stops every thread, mid-statement too: what it ran for answers as any search the shutdown refuses.
    worker.once('exit', (code) =>
      fail(isClosed ? ApiError.shuttingDown() : new Error(`a search query thread stopped (exit code ${code})`)),
    );
    threads.add(thread);
    return thread;
  }

  function run(query: CompiledQuery, rowShape: RowShape): ReadJob {
    if (isClosed) return readAfterClose();
    const thread = idle.pop() ?? startThread();
    let finish = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const rows = new Promise<unknown[]>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const settle = () => {
        clearTimeout(timer);
        thread.onAnswer = undefined;
        thread.onFailure = undefined;
      };
      thread.onFailure = (error) => {
        settle();
        reject(error);
        void thread.exited.then(finish);
      };
      thread.onAnswer = (answer) => {
        settle();
        if ('rows' in answer) resolve(answer.rows);
        else if ('error' in answer) reject(errorOf(answer.error));
        thread.worker.unref();
        if (!isClosed && threads.has(thread)) idle.push(thread);
        finish();
      };
      thread.worker.ref();
      thread.ready.then(
        () => {
          if (!thread.onAnswer) return;
          const request: QueryRequest = { sql: query.sql, parameters: query.parameters, rowShape };
          thread.worker.postMessage(request);
          timer = setTimeout(() => {
            settle();
            threads.delete(thread);
            if (!isClosed) idle.push(startThread());
            reject(searchTimedOut(options.timeoutMs));
            void thread.worker.terminate().finally(finish);
          }, options.timeoutMs);
        },
        () => {},
      );
    });
    return { rows, finished };
  }

  // Every thread starts with the pool, so no query waits for one to start (a replacement for a thread past the
  // time limit starts at once too, above).
  for (let count = 0; count < options.threads; count++) idle.push(startThread());
  return {
    run,
    async close() {
      isClosed = true;
      const all = [...threads];
      threads.clear();
      idle.length = 0;
      await Promise.all(all.map((thread) => thread.worker.terminate()));
    },
  };
}
