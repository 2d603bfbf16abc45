import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LapseDatabase } from '../schema.js';
import { subtreeCondition } from '../tree-path.js';
import { narrowRangeCounter, sqliteSubtreePlan } from './sqlite-subtree-plan.js';

describe('sqlite subtree plan', () => {
  let database: Database.Database;
  let version: number;
  let db: Kysely<LapseDatabase>;

  beforeEach(() => {
    database = new Database(':memory:');
    database.exec('create table companies (id integer primary key, path text not null, license_end_at integer)');
    const insert = database.prepare('insert into companies (path) values (?)');
    // 6,400 companies: /r/ with 100 below /r/small/ (itself included), 100 below /r/edge/ (itself not included)
    // and the rest below /r/big/; a sliver is at most 100.
    insert.run('/r/');
    insert.run('/r/small/');
    for (let index = 0; index < 99; index++) insert.run(`/r/small/${index}/`);
    insert.run('/r/edge/');
    for (let index = 0; index < 100; index++) insert.run(`/r/edge/${index}/`);
    insert.run('/r/big/');
    for (let index = 0; index < 6197; index++) insert.run(`/r/big/${index}/`);
    version = 1;
    const plan = sqliteSubtreePlan(narrowRangeCounter(database, () => String(version)));
    db = new Kysely<LapseDatabase>({ dialect: new SqliteDialect({ database }), plugins: [plan] });
  });
  afterEach(() => db.destroy());

  const selectBelow = (path: string, includesSelf = false) =>
    db.selectFrom('companies').select('companies.id').where(subtreeCondition(path, includesSelf));

  it('marks both bounds of a narrow subtree unlikely, and leaves a wide one as it is', () => {
    expect(selectBelow('/r/small/').compile().sql).toContain(
      'where (likelihood("companies"."path" > ?, 0.05) and likelihood("companies"."path" < ?, 0.05))',
    );
    expect(selectBelow('/r/big/').compile().sql).toContain('where ("companies"."path" > ? and "companies"."path" < ?)');
  });

  it('counts the subtree the range holds: its top company only when the range includes it', () => {
    expect(selectBelow('/r/edge/').compile().sql).toContain('likelihood(');
    expect(selectBelow('/r/edge/', true).compile().sql).not.toContain('likelihood(');
    expect(selectBelow('/r/small/', true).compile().sql).toContain('likelihood(');
  });

  it('finds the range inside a subquery and a derived table, and leaves writes alone', () => {
    const nested = db
      .selectFrom(selectBelow('/r/small/').as('below'))
      .select('below.id')
      .where('below.id', 'in', selectBelow('/r/small/'));
    expect(nested.compile().sql.match(/likelihood\(/g)).toHaveLength(4);
    const update = db.updateTable('companies').set({ license_end_at: 1 }).where(subtreeCondition('/r/small/', false));
    expect(update.compile().sql).not.toContain('likelihood(');
  });

  it('counts a subtree again once the data version moves', async () => {
    expect(selectBelow('/r/big/').compile().sql).not.toContain('likelihood(');
    database.exec("delete from companies where path like '/r/big/%' and path <> '/r/big/'");
    expect(selectBelow('/r/big/').compile().sql).not.toContain('likelihood(');
    version++;
    // 102 companies now: /r/big/ holds one, a sliver of any table.
    expect(selectBelow('/r/big/').compile().sql).toContain('likelihood(');
    expect(await selectBelow('/r/big/').execute()).toEqual([]);
  });
});
