// A worker thread that runs read queries on a read-only connection of its own, so a slow query blocks this thread
// and never the server's event loop (see worker-pool.ts). One query at a time: the pool sends the next only after
// this one's answer.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import type { QueryAnswer, QueryRequest, QueryWorkerData } from './messages.js';

const { file, cacheKib, maxCachedStatements } = workerData as QueryWorkerData;
const port = parentPort;
if (!port) throw new Error('query-worker.ts runs as a worker thread');

const database = new Database(file, { readonly: true, fileMustExist: true });
database.pragma(`cache_size = -${cacheKib}`);
database.pragma('busy_timeout = 5000');

// Prepared statements by shape and SQL text, the oldest dropped first: searches repeat a few shapes of SQL.
const statements = new Map<string, Database.Statement>();
function statementFor(sqlText: string, isRaw: boolean): Database.Statement {
  const key = `${isRaw ? 'r' : 'o'}${sqlText}`;
  let statement = statements.get(key);
  if (!statement) {
    statement = database.prepare(sqlText);
    if (!statement.reader) throw new Error('a query worker runs only statements that return rows');
    if (isRaw) statement.raw(true);
    if (statements.size >= maxCachedStatements) statements.delete(statements.keys().next().value as string);
    statements.set(key, statement);
  }
  return statement;
}

port.on('message', ({ sql, parameters, rowShape }: QueryRequest) => {
  let answer: QueryAnswer;
  try {
    answer = { rows: statementFor(sql, rowShape === 'arrays').all(...parameters) as unknown[] };
  } catch (error) {
    const { message, code } = error as { message?: string; code?: unknown };
    answer = { error: { message: String(message ?? error), code: typeof code === 'string' ? code : undefined } };
  }
  port.postMessage(answer);
});
port.postMessage({ ready: true } satisfies QueryAnswer);
