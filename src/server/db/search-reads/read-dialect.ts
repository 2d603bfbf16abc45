// A Kysely instance whose every query is handed to a function (a worker thread, a bounded pool) as compiled SQL:
// search code builds its queries as usual, and only where they run changes.
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  Kysely,
  type KyselyPlugin,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import type { LapseDatabase } from '../schema.js';

/** What Kysely needs of a database beside a driver: how its SQL is written. */
export type QueryLanguage = Omit<Dialect, 'createDriver'>;

export const SQLITE_LANGUAGE: QueryLanguage = {
  createAdapter: () => new SqliteAdapter(),
  createQueryCompiler: () => new SqliteQueryCompiler(),
  createIntrospector: (db) => new SqliteIntrospector(db),
};

export const POSTGRES_LANGUAGE: QueryLanguage = {
  createAdapter: () => new PostgresAdapter(),
  createQueryCompiler: () => new PostgresQueryCompiler(),
  createIntrospector: (db) => new PostgresIntrospector(db),
};

/** Runs one select and resolves with its rows, as objects keyed by column. */
export type RunSelect = (query: CompiledQuery) => Promise<unknown[]>;

const refuse = async (what: string): Promise<never> => {
  throw new Error(`search reads ${what}`);
};

function readDriver(run: RunSelect): Driver {
  const connection: DatabaseConnection = {
    executeQuery: async <R>(query: CompiledQuery) => ({ rows: (await run(query)) as R[] }) satisfies QueryResult<R>,
    streamQuery: () => {
      throw new Error('search reads do not stream');
    },
  };
  return {
    init: async () => {},
    acquireConnection: async () => connection,
    beginTransaction: () => refuse('run outside transactions'),
    commitTransaction: () => refuse('run outside transactions'),
    rollbackTransaction: () => refuse('run outside transactions'),
    releaseConnection: async () => {},
    destroy: async () => {},
  };
}

/** A Kysely over `run` with `plugins`; it holds nothing, so it needs no destroy. */
export function readOnlyKysely(
  language: QueryLanguage,
  run: RunSelect,
  plugins: KyselyPlugin[] = [],
): Kysely<LapseDatabase> {
  return new Kysely<LapseDatabase>({ dialect: { ...language, createDriver: () => readDriver(run) }, plugins });
}
